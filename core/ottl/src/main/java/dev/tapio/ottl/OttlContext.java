package dev.tapio.ottl;

import java.util.Locale;

/**
 * The context a statement runs in, as the Collector names them: what {@code attributes} or
 * {@code name} refers to. Each context also reaches the levels above it ({@code resource.*},
 * {@code instrumentation_scope.*} or {@code scope.*}; {@code span.*} from a span event,
 * {@code metric.*} from a data point).
 */
public enum OttlContext {
  RESOURCE, SCOPE, LOG, SPAN, SPANEVENT, METRIC, DATAPOINT;

  /** The Collector's name: {@code resource}, {@code scope}, {@code log}, {@code span}... */
  public String otelName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The context by its Collector name ({@code instrumentation_scope} too), or null. */
  public static OttlContext byName(String name) {
    for (OttlContext c : values()) {
      if (c.otelName().equals(name)) {
        return c;
      }
    }
    return "instrumentation_scope".equals(name) ? SCOPE : null;
  }
}
