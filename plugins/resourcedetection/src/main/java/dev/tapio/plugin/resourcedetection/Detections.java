package dev.tapio.plugin.resourcedetection;

import dev.tapio.pdata.AnyValue;
import dev.tapio.plugin.resourcedetection.Detector.Detected;
import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.DetectorType;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs the configured detectors once and shares the result. The engine creates a processor per
 * pipeline, so one {@code resourcedetection} in the logs, metrics and traces pipelines is three
 * processors; as the Collector's factory keeps one resource provider per component, they share
 * one detection here (one set of lookups, each warning logged once), keyed by configuration and
 * host. The processor that starts first detects, the others wait for its result; the last one to
 * shut down forgets it, so an engine started again detects again. Thread-safe.
 */
final class Detections {
  private static final Map<Key, Shared> SHARED = new HashMap<>();

  private Detections() {}

  private record Key(ResourceDetectionConfig config, HostView host) {}

  private static final class Shared {
    final FutureTask<DetectedResource> detection;
    int holders;

    Shared(FutureTask<DetectedResource> detection) {
      this.detection = detection;
    }
  }

  /** A processor's hold on a shared detection; {@link #release()} once, at shutdown. */
  static final class Lease {
    private final Key key;
    private final Shared shared;
    private final DetectedResource resource;

    private Lease(Key key, Shared shared, DetectedResource resource) {
      this.key = key;
      this.shared = shared;
      this.resource = resource;
    }

    DetectedResource resource() {
      return resource;
    }

    void release() {
      Detections.release(key, shared);
    }
  }

  /**
   * The detection for this configuration and host: run now on the calling thread, or awaited
   * when another processor is running it.
   *
   * @param log where the detectors log, and where the result is logged
   * @throws DetectionException from the first detector that failed, its name in front
   */
  static Lease acquire(ResourceDetectionConfig config, HostView host, System.Logger log)
      throws DetectionException, InterruptedException {
    Key key = new Key(config, host);
    Shared shared;
    boolean first;
    synchronized (SHARED) {
      shared = SHARED.get(key);
      first = shared == null;
      if (first) {
        shared = new Shared(new FutureTask<>(() -> detect(config, host, log)));
        SHARED.put(key, shared);
      }
      shared.holders++;
    }
    if (first) {
      shared.detection.run();
    }
    try {
      return new Lease(key, shared, shared.detection.get());
    } catch (ExecutionException e) {
      release(key, shared);
      if (e.getCause() instanceof DetectionException d) {
        throw d;
      }
      throw new DetectionException(String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      release(key, shared);
      throw e;
    }
  }

  private static void release(Key key, Shared shared) {
    synchronized (SHARED) {
      if (--shared.holders == 0) {
        SHARED.remove(key, shared);
      }
    }
  }

  /**
   * Runs the detectors in order. On a key two detectors set, the first one's value is kept, as
   * in the Collector; so is the first schema URL.
   */
  static DetectedResource detect(ResourceDetectionConfig config, HostView host,
      System.Logger log) throws DetectionException {
    long deadline = System.nanoTime() + config.timeout().toNanos();
    Map<String, AnyValue> merged = new LinkedHashMap<>();
    String schemaUrl = "";
    for (DetectorType type : config.detectors()) {
      Detector detector = switch (type) {
        case ENV -> new EnvDetector(host);
        case SYSTEM -> new SystemDetector(config.system(), host, log);
        case K8SNODE -> new K8sNodeDetector(config.k8snode(), host, log);
      };
      Detected found;
      try {
        found = detector.detect(deadline);
      } catch (DetectionException e) {
        throw new DetectionException("detector " + type.configName() + ": " + e.getMessage(), e);
      }
      found.attributes().forEach(merged::putIfAbsent);
      if (schemaUrl.isEmpty()) {
        schemaUrl = found.schemaUrl();
      }
    }
    DetectedResource resource = new DetectedResource(merged, schemaUrl);
    log.log(Level.INFO, resource.isEmpty()
        ? "detected no resource attributes; batches pass unchanged"
        : "detected resource attributes " + resource + (config.override()
            ? ", replacing a resource's own values" : ", where a resource has none of its own"));
    return resource;
  }
}
