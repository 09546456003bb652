package dev.tapio.component;

import java.util.Locale;

/** The three telemetry signals a pipeline carries. */
public enum Signal {
  LOGS("log_records"),
  METRICS("metric_points"),
  TRACES("spans");

  private final String itemName;

  Signal(String itemName) {
    this.itemName = itemName;
  }

  /** The word the Collector's metrics use for one item of this signal, e.g. {@code log_records}. */
  public String itemName() {
    return itemName;
  }

  /** The name used in pipeline ids: {@code logs}, {@code metrics}, {@code traces}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The signal named by a pipeline id's type, or null. */
  public static Signal fromId(String id) {
    for (Signal s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
