package dev.tapio.plugin.filter;

import dev.tapio.config.ComponentConfig;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.pdata.Severity;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code filter} processor; see the package documentation for the keys.
 * Conditions are checked when read ({@link FilterFactory#readConfig}), where a problem can be
 * reported at the condition's own position, and cannot be built invalid.
 *
 * @param errorMode what a condition that fails on a record does ({@code error_mode})
 * @param logs what to drop from logs by Tapio's shorthand keys
 * @param ottl the Collector's OTTL conditions, per signal and context
 */
public record FilterConfig(ErrorMode errorMode, LogFilter logs, OttlConditions ottl)
    implements ComponentConfig {

  public FilterConfig {
    Objects.requireNonNull(errorMode, "errorMode");
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(ottl, "ottl");
  }

  /** Shorthand conditions only, with the default error mode. */
  public FilterConfig(LogFilter logs) {
    this(ErrorMode.IGNORE, logs, OttlConditions.NONE);
  }

  static FilterConfig defaults() {
    return new FilterConfig(new LogFilter(Severity.UNSPECIFIED, List.of(), List.of()));
  }

  /**
   * The Collector's conditions: a record (or a whole resource, for the resource lists) is
   * dropped when any condition of its list matches. Each text compiled for its context when the
   * configuration was read.
   *
   * @param logResource {@code logs.resource}
   * @param logRecord {@code logs.log_record}
   * @param traceResource {@code traces.resource}
   * @param span {@code traces.span}
   * @param spanEvent {@code traces.spanevent}
   * @param metricResource {@code metrics.resource}
   * @param metric {@code metrics.metric}
   * @param dataPoint {@code metrics.datapoint}
   */
  public record OttlConditions(List<String> logResource, List<String> logRecord,
      List<String> traceResource, List<String> span, List<String> spanEvent,
      List<String> metricResource, List<String> metric, List<String> dataPoint) {
    public static final OttlConditions NONE = new OttlConditions(List.of(), List.of(), List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of());

    public OttlConditions {
      logResource = List.copyOf(logResource);
      logRecord = List.copyOf(logRecord);
      traceResource = List.copyOf(traceResource);
      span = List.copyOf(span);
      spanEvent = List.copyOf(spanEvent);
      metricResource = List.copyOf(metricResource);
      metric = List.copyOf(metric);
      dataPoint = List.copyOf(dataPoint);
    }

    boolean hasLogs() {
      return !logResource.isEmpty() || !logRecord.isEmpty();
    }
  }

  /**
   * What to drop from logs: a record is dropped when its severity is below {@code minSeverity},
   * or it matches any {@code exclude} condition, or {@code include} is not empty and it matches
   * none of it.
   *
   * @param minSeverity the lowest severity kept; {@link Severity#UNSPECIFIED} keeps every
   *     severity
   * @param exclude conditions that drop a record
   * @param include conditions of which a record must match one, when not empty
   */
  public record LogFilter(Severity minSeverity, List<Condition> exclude,
      List<Condition> include) {
    public LogFilter {
      Objects.requireNonNull(minSeverity, "minSeverity");
      exclude = List.copyOf(exclude);
      include = List.copyOf(include);
    }

    boolean isEmpty() {
      return minSeverity == Severity.UNSPECIFIED && exclude.isEmpty() && include.isEmpty();
    }
  }

  /** What a condition looks at. */
  public enum Target {
    /** A log record attribute, by key. */
    ATTRIBUTE,
    /** An attribute of the record's resource, by key. */
    RESOURCE_ATTRIBUTE,
    /** The record's event name. */
    EVENT_NAME,
    /** The record's body, as text. */
    BODY
  }

  /**
   * One condition: the value of {@code target} ({@code key} names the attribute) equals
   * {@code equals} as text, or {@code regex} finds a match in it (unanchored). Exactly one of
   * {@code equals} and {@code regex} is set; event names compare by equality, bodies by regex.
   */
  public record Condition(Target target, String key, String equals, Pattern regex) {
    public Condition {
      Objects.requireNonNull(target, "target");
      boolean keyed = target == Target.ATTRIBUTE || target == Target.RESOURCE_ATTRIBUTE;
      if (keyed == (key == null)) {
        throw new IllegalArgumentException(target + " conditions " + (keyed ? "need" : "take no")
            + " attribute key");
      }
      if ((equals == null) == (regex == null)) {
        throw new IllegalArgumentException("a condition needs exactly one of equals and regex");
      }
      if (target == Target.EVENT_NAME && equals == null || target == Target.BODY && regex == null) {
        throw new IllegalArgumentException(target == Target.BODY
            ? "body conditions take a regex" : "event name conditions take equals");
      }
    }

    public static Condition attributeEquals(String key, String value) {
      return new Condition(Target.ATTRIBUTE, key, value, null);
    }

    public static Condition attributeRegex(String key, Pattern regex) {
      return new Condition(Target.ATTRIBUTE, key, null, regex);
    }

    public static Condition resourceAttributeEquals(String key, String value) {
      return new Condition(Target.RESOURCE_ATTRIBUTE, key, value, null);
    }

    public static Condition resourceAttributeRegex(String key, Pattern regex) {
      return new Condition(Target.RESOURCE_ATTRIBUTE, key, null, regex);
    }

    public static Condition eventName(String value) {
      return new Condition(Target.EVENT_NAME, null, value, null);
    }

    public static Condition bodyRegex(Pattern regex) {
      return new Condition(Target.BODY, null, null, regex);
    }
  }
}
