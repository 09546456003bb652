package dev.tapio.plugin.filter;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.ottl.OttlConfig;
import dev.tapio.ottl.OttlException;
import dev.tapio.ottl.Ottl;
import dev.tapio.ottl.OttlContext;
import dev.tapio.pdata.Severity;
import dev.tapio.plugin.filter.FilterConfig.Condition;
import dev.tapio.plugin.filter.FilterConfig.LogFilter;
import dev.tapio.plugin.filter.FilterConfig.OttlConditions;
import dev.tapio.plugin.filter.FilterConfig.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pf4j.Extension;

/** Creates {@code filter} processors. Stateless and thread-safe. */
@Extension
public final class FilterFactory implements ProcessorFactory<FilterConfig> {
  private static final String TARGET_KEYS =
      "attribute, resource_attribute, event_name or body_regex";
  /** Keys of the Collector's filter that Tapio does not implement, with what to use instead. */
  private static final Map<String, String> NOT_SUPPORTED = Map.of(
      "spans", "use traces.span OTTL conditions",
      "profiles", "profiles are not a Tapio signal",
      "profile_conditions", "profiles are not a Tapio signal",
      "metrics.include", "use metrics.metric OTTL conditions",
      "metrics.exclude", "use metrics.metric OTTL conditions",
      "metrics.regexp", "use IsMatch in metrics.metric OTTL conditions");

  public FilterFactory() {}

  @Override
  public Map<String, String> unsupportedKeys() {
    return NOT_SUPPORTED;
  }

  @Override
  public String type() {
    return "filter";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Drops logs, spans, span events, metrics and data points matching OTTL conditions"
        + " (the Collector's config), or log records by Tapio's severity/attribute shorthand";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }

  @Override
  public FilterConfig createDefaultConfig() {
    return FilterConfig.defaults();
  }

  /**
   * Reads {@code logs}; problems with a condition are reported on that condition's own reader
   * (e.g. key {@code regex} of element 0 of {@code logs.exclude}), which places them at the
   * condition in the file, and the condition is left out.
   */
  @Override
  public FilterConfig readConfig(ConfigReader reader) {
    ErrorMode errorMode = OttlConfig.errorMode(reader, ErrorMode.IGNORE);
    ConfigReader logs = reader.section("logs");
    Severity min = severity(logs, logs.string("min_severity", ""));
    for (String key : List.of("include", "exclude")) {
      if (logs.holdsSection(key)) {
        logs.has(key);
        logs.error(key, "is not supported yet in the Collector's deprecated form (a map with"
            + " match_type): use log_conditions, or Tapio's list of conditions (attribute,"
            + " resource_attribute, event_name or body_regex)");
      }
    }
    List<Condition> exclude = logs.holdsSection("exclude") ? List.of()
        : conditions(logs.sectionList("exclude"));
    List<Condition> include = logs.holdsSection("include") ? List.of()
        : conditions(logs.sectionList("include"));
    ConfigReader traces = reader.section("traces");
    ConfigReader metrics = reader.section("metrics");
    Map<OttlContext, List<String>> logConditions = conditionLists(reader, "log_conditions",
        List.of(OttlContext.LOG, OttlContext.RESOURCE), errorMode);
    Map<OttlContext, List<String>> traceConditions = conditionLists(reader, "trace_conditions",
        List.of(OttlContext.SPAN, OttlContext.SPANEVENT, OttlContext.RESOURCE), errorMode);
    Map<OttlContext, List<String>> metricConditions = conditionLists(reader,
        "metric_conditions", List.of(OttlContext.METRIC, OttlContext.DATAPOINT,
            OttlContext.RESOURCE), errorMode);
    OttlConditions ottl = new OttlConditions(
        join(OttlConfig.conditions(logs, "resource", OttlContext.RESOURCE), logConditions,
            OttlContext.RESOURCE),
        join(OttlConfig.conditions(logs, "log_record", OttlContext.LOG), logConditions,
            OttlContext.LOG),
        join(OttlConfig.conditions(traces, "resource", OttlContext.RESOURCE), traceConditions,
            OttlContext.RESOURCE),
        join(OttlConfig.conditions(traces, "span", OttlContext.SPAN), traceConditions,
            OttlContext.SPAN),
        join(OttlConfig.conditions(traces, "spanevent", OttlContext.SPANEVENT), traceConditions,
            OttlContext.SPANEVENT),
        join(OttlConfig.conditions(metrics, "resource", OttlContext.RESOURCE), metricConditions,
            OttlContext.RESOURCE),
        join(OttlConfig.conditions(metrics, "metric", OttlContext.METRIC), metricConditions,
            OttlContext.METRIC),
        join(OttlConfig.conditions(metrics, "datapoint", OttlContext.DATAPOINT),
            metricConditions, OttlContext.DATAPOINT));
    return new FilterConfig(errorMode, new LogFilter(min, exclude, include), ottl);
  }

  private static List<String> join(List<String> a, Map<OttlContext, List<String>> b,
      OttlContext context) {
    List<String> more = b.getOrDefault(context, List.of());
    if (more.isEmpty()) {
      return a;
    }
    List<String> all = new ArrayList<>(a);
    all.addAll(more);
    return all;
  }

  /**
   * The Collector's current form, {@code log_conditions} and the like: a list of conditions
   * whose context is inferred from their paths ({@code log.}, {@code resource.}…), or of groups
   * {@code {context, conditions}}. Conditions are grouped by context; any true drops the item,
   * as under {@code logs.log_record}. {@code valid} lists the contexts allowed, the default for a
   * condition without prefix first.
   */
  private static Map<OttlContext, List<String>> conditionLists(ConfigReader reader, String key,
      List<OttlContext> valid, ErrorMode errorMode) {
    Map<OttlContext, List<String>> out = new EnumMap<>(OttlContext.class);
    String contexts = valid.stream().map(OttlContext::otelName)
        .collect(java.util.stream.Collectors.joining(", "));
    if (reader.holdsSectionList(key)) {
      for (ConfigReader g : reader.sectionList(key)) {
        String name = g.string("context", "");
        OttlContext context = OttlContext.byName(name);
        if (g.has("error_mode") && OttlConfig.errorMode(g, errorMode) != errorMode) {
          g.error("error_mode", "is not supported yet per group: set error_mode for the whole"
              + " processor");
        }
        if (context == null || !valid.contains(context)) {
          g.error(name.isEmpty() ? "" : "context", (name.isEmpty() ? "a group needs 'context'"
              : "'" + name + "' is not a context filter supports in " + key) + ": use one of "
              + contexts);
          g.stringList("conditions", List.of());
          continue;
        }
        out.computeIfAbsent(context, c -> new ArrayList<>())
            .addAll(OttlConfig.conditions(g, "conditions", context));
      }
      return out;
    }
    List<String> texts = reader.stringList(key, List.of());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      try {
        OttlContext context = Ottl.inferConditionContext(text, valid);
        if (!valid.contains(context)) {
          reader.error(key + "." + i, "the " + context.otelName() + " context is not one filter"
              + " supports in " + key + ": use paths of " + contexts);
          continue;
        }
        Ottl.condition(text, context);
        out.computeIfAbsent(context, c -> new ArrayList<>()).add(text);
      } catch (OttlException e) {
        reader.error(key + "." + i, e.offset(), "invalid OTTL condition at " + e.getMessage());
      }
    }
    return out;
  }

  private static Severity severity(ConfigReader logs, String text) {
    String name = text.trim().toUpperCase(Locale.ROOT);
    if (name.isEmpty()) {
      return Severity.UNSPECIFIED;
    }
    try {
      if (Character.isDigit(name.charAt(0))) {
        int number = Integer.parseInt(name);
        if (number >= 1 && number <= 24) {
          return Severity.ofNumber(number);
        }
      } else if (!name.equals("UNSPECIFIED")) {
        return Severity.valueOf(name);
      }
    } catch (IllegalArgumentException e) {
      // Reported below.
    }
    logs.error("min_severity", "'" + text + "' is not a severity: use a name (TRACE, DEBUG,"
        + " INFO, WARN, ERROR, FATAL, each also with 2, 3 or 4, e.g. WARN2) or a number 1..24");
    return Severity.UNSPECIFIED;
  }

  private static List<Condition> conditions(List<ConfigReader> elements) {
    List<Condition> out = new ArrayList<>(elements.size());
    for (ConfigReader c : elements) {
      Condition condition = condition(c);
      if (condition != null) {
        out.add(condition);
      }
    }
    return out;
  }

  /** The condition, or null after reporting why it is not one. Reads every key. */
  private static Condition condition(ConfigReader c) {
    String attribute = c.string("attribute", "");
    String resourceAttribute = c.string("resource_attribute", "");
    String eventName = c.string("event_name", "");
    String bodyRegex = c.string("body_regex", "");
    String equals = c.string("equals", "");
    String regex = c.string("regex", "");
    boolean hasEquals = c.has("equals");
    boolean hasRegex = c.has("regex");

    int targets = (c.has("attribute") ? 1 : 0) + (c.has("resource_attribute") ? 1 : 0)
        + (c.has("event_name") ? 1 : 0) + (c.has("body_regex") ? 1 : 0);
    if (targets != 1) {
      c.error("", (targets == 0 ? "a condition needs one of " : "a condition takes only one of ")
          + TARGET_KEYS);
      return null;
    }
    if (c.has("event_name") || c.has("body_regex")) {
      if (hasEquals || hasRegex) {
        c.error(hasEquals ? "equals" : "regex", "is used only with attribute or"
            + " resource_attribute; event_name compares by equality, body_regex is a regex");
        return null;
      }
      if (c.has("event_name")) {
        return Condition.eventName(eventName);
      }
      Pattern p = compile(c, "body_regex", bodyRegex);
      return p == null ? null : Condition.bodyRegex(p);
    }
    boolean resource = c.has("resource_attribute");
    String key = resource ? resourceAttribute : attribute;
    String keyName = resource ? "resource_attribute" : "attribute";
    if (key.isEmpty()) {
      c.error(keyName, "must name an attribute");
      return null;
    }
    if (hasEquals == hasRegex) {
      c.error(hasEquals ? "regex" : keyName, hasEquals
          ? "give either equals or regex, not both" : "needs equals or regex");
      return null;
    }
    Target target = resource ? Target.RESOURCE_ATTRIBUTE : Target.ATTRIBUTE;
    if (hasEquals) {
      return new Condition(target, key, equals, null);
    }
    Pattern p = compile(c, "regex", regex);
    return p == null ? null : new Condition(target, key, null, p);
  }

  private static Pattern compile(ConfigReader c, String key, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      c.error(key, "invalid regular expression: " + e.getDescription()
          + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in '" + regex + "'");
      return null;
    }
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, FilterConfig config,
      LogsConsumer next) {
    return new LogsFilter(context, config, next);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, FilterConfig config,
      TracesConsumer next) {
    return new TracesFilter(context, config, next);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, FilterConfig config,
      MetricsConsumer next) {
    return new MetricsFilter(context, config, next);
  }
}
