package dev.tapio.engine.telemetry;

import dev.tapio.component.ComponentStatus;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every component, as {@code /readyz} shows it. Thread-safe: components report
 * from their own threads while the HTTP server reads.
 */
public final class Health {
  private final Map<String, Entry> components = new ConcurrentHashMap<>();
  private volatile boolean pipelinesStarted;

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

  public void pipelinesStarted(boolean started) {
    pipelinesStarted = started;
  }

  public Map<String, Entry> snapshot() {
    return new TreeMap<>(components);
  }

  /** Ready: pipelines started and no component in ERROR. Degraded components are still ready. */
  public boolean ready() {
    if (!pipelinesStarted) {
      return false;
    }
    for (Entry e : components.values()) {
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
