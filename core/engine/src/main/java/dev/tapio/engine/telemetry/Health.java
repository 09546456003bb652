package dev.tapio.engine.telemetry;

import dev.tapio.component.ComponentStatus;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every component, as {@code /readyz} shows it. Thread-safe: components report
 * from their own threads while the HTTP server reads.
 *
 * <p>Two sources per component: what the component reports about itself ({@link #report}) and
 * what the engine saw of it ({@link #engineReport}: it threw on a batch, or a call is stuck). The
 * engine's report lasts until the engine clears it (a later call succeeded), and while it lasts
 * the worse of the two is shown, so a component's own "ok" cannot hide its failures.
 */
public final class Health {
  private final Map<String, Entry> components = new ConcurrentHashMap<>();
  private final Map<String, Entry> engine = new ConcurrentHashMap<>();
  private volatile java.time.Instant startedAt;
  private volatile boolean pipelinesStarted;
  private volatile String fatal; // why the process should be restarted, or null

  /** One component's state and why. */
  public record Entry(ComponentStatus status, String reason) {}

  public void report(String component, ComponentStatus status, String reason) {
    components.put(component, new Entry(status, reason == null ? "" : reason));
  }

  /** Marks a component OK after its start, unless it already reported something else. */
  public void started(String component) {
    components.compute(component, (k, e) -> e == null || e.status() == ComponentStatus.STARTING
        ? new Entry(ComponentStatus.OK, "") : e);
  }

  /** The engine's own finding about a component; see the class comment. */
  public void engineReport(String component, ComponentStatus status, String reason) {
    engine.put(component, new Entry(status, reason == null ? "" : reason));
  }

  public void clearEngineReport(String component) {
    engine.remove(component);
  }

  /**
   * Something outside every component call failed for good (a thread of the engine or a library
   * died of an {@code Error}): {@code /healthz} answers 503 with the reason from now on, so a
   * supervisor (a Kubernetes liveness probe) restarts the process through a normal SIGTERM,
   * which still drains the queues.
   */
  public void fatal(String reason) {
    fatal = reason == null ? "unknown" : reason;
  }

  /** Whether the process is worth keeping: no {@link #fatal} failure. */
  public boolean alive() {
    return fatal == null;
  }

  /** The {@code /healthz} body. */
  public String aliveJson() {
    String f = fatal;
    if (f == null) {
      return "{\"status\":\"alive\"}";
    }
    StringBuilder sb = new StringBuilder(128).append("{\"status\":\"failing\",\"reason\":");
    Json.string(sb, f);
    return sb.append('}').toString();
  }

  public void pipelinesStarted(boolean started) {
    pipelinesStarted = started;
    startedAt = started ? java.time.Instant.now() : null;
  }

  /** {@link #ready()} and each component's state and reason, for health extensions. */
  public dev.tapio.component.HealthSnapshot view(java.util.List<String> pipelines) {
    Map<String, ComponentStatus> states = new TreeMap<>();
    Map<String, String> reasons = new TreeMap<>();
    snapshot().forEach((k, v) -> {
      states.put(k, v.status());
      reasons.put(k, v.reason() == null ? "" : v.reason());
    });
    return new dev.tapio.component.HealthSnapshot(ready(), states, startedAt, reasons,
        pipelines);
  }

  public Map<String, Entry> snapshot() {
    Map<String, Entry> out = new TreeMap<>(components);
    for (Map.Entry<String, Entry> e : engine.entrySet()) {
      out.merge(e.getKey(), e.getValue(), (own, seen) -> rank(seen) >= rank(own) ? seen : own);
    }
    return out;
  }

  private static int rank(Entry e) {
    return switch (e.status()) {
      case ERROR -> 2;
      case DEGRADED -> 1;
      default -> 0;
    };
  }

  /** Ready: pipelines started and no component in ERROR. Degraded components are still ready. */
  public boolean ready() {
    if (!pipelinesStarted || fatal != null) {
      return false;
    }
    for (Entry e : components.values()) {
      if (e.status() == ComponentStatus.ERROR) {
        return false;
      }
    }
    for (Entry e : engine.values()) {
      if (e.status() == ComponentStatus.ERROR) {
        return false;
      }
    }
    return true;
  }

  /** The {@code /readyz} body: {@code {"ready":…,"components":{"receiver/x":{…}}}}. */
  public String readyJson() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"ready\":").append(ready()).append(",\"components\":{");
    boolean first = true;
    for (Map.Entry<String, Entry> e : snapshot().entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      Json.string(sb, e.getKey());
      sb.append(":{\"status\":");
      Json.string(sb, e.getValue().status().label());
      sb.append(",\"reason\":");
      Json.string(sb, e.getValue().reason());
      sb.append('}');
    }
    return sb.append("}}").toString();
  }
}
