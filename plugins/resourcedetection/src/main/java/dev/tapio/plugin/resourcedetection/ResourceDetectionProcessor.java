package dev.tapio.plugin.resourcedetection;

import dev.tapio.component.Component;
import dev.tapio.component.Host;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.TelemetryData;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One pipeline's {@code resourcedetection}: detects at {@link #start} (shared with the other
 * pipelines' instances, see {@link Detections}) and puts the result on every resource of every
 * batch, for whichever signal {@code T} is.
 *
 * <p>Threading: {@link #start} and {@link #shutdown} on the engine's lifecycle thread,
 * {@link #consume} on the pipeline's thread, after start. Ownership: changes the resources of
 * the data it is given (the engine gives it its own copy, since it declares that it mutates);
 * read-only data is copied first.
 *
 * @param <T> the signal's data
 */
final class ResourceDetectionProcessor<T extends TelemetryData<?>> implements Component {
  private final ResourceDetectionConfig config;
  private final HostView host;
  private final System.Logger log;
  private final Function<T, PList<? extends ResourceEntry<?>>> resources;
  private final UnaryOperator<T> copy;
  private final Consumer<T> next;
  private Detections.Lease lease;
  // Written by start() before the engine lets data in; volatile so the pipeline thread sees it
  // however the engine hands over (one read per batch).
  private volatile DetectedResource detected;

  /**
   * @param resources the data's resource groups, e.g. {@code Logs::resourceLogs}
   * @param copy a deep copy, e.g. {@code Logs::copy}, for read-only data
   */
  ResourceDetectionProcessor(ResourceDetectionConfig config, HostView host, System.Logger log,
      Function<T, PList<? extends ResourceEntry<?>>> resources, UnaryOperator<T> copy,
      Consumer<T> next) {
    this.config = config;
    this.host = host;
    this.log = log;
    this.resources = resources;
    this.copy = copy;
    this.next = next;
  }

  /**
   * Detects, within {@code timeout} for network lookups. A detector that fails fails the start,
   * as in the Collector, with a message naming the detector and the cause.
   */
  @Override
  public void start(Host host) throws Exception {
    lease = Detections.acquire(config, this.host, log);
    detected = lease.resource();
  }

  @Override
  public void shutdown() {
    if (lease != null) {
      lease.release();
      lease = null;
    }
  }

  void consume(T data) {
    DetectedResource d = detected;
    if (d == null || d.isEmpty()) {
      next.accept(data);
      return;
    }
    T own = data.isReadOnly() ? copy.apply(data) : data;
    d.applyTo(resources.apply(own), config.override());
    next.accept(own);
  }
}
