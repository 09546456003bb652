package dev.tapio.plugin.transform;

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
import dev.tapio.ottl.Ottl;
import dev.tapio.ottl.OttlConfig;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.OttlException;
import dev.tapio.plugin.transform.TransformConfig.Group;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/** Creates {@code transform} processors. Stateless and thread-safe. */
@Extension
public final class TransformFactory implements ProcessorFactory<TransformConfig> {
  private static final List<OttlContext> LOG_CONTEXTS =
      List.of(OttlContext.LOG, OttlContext.SCOPE, OttlContext.RESOURCE);
  private static final List<OttlContext> TRACE_CONTEXTS = List.of(OttlContext.SPAN,
      OttlContext.SPANEVENT, OttlContext.SCOPE, OttlContext.RESOURCE);
  private static final List<OttlContext> METRIC_CONTEXTS = List.of(OttlContext.DATAPOINT,
      OttlContext.METRIC, OttlContext.SCOPE, OttlContext.RESOURCE);

  public TransformFactory() {}

  @Override
  public String type() {
    return "transform";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Changes logs, spans and metrics with OTTL statements (the Collector's config)";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }

  @Override
  public TransformConfig createDefaultConfig() {
    return TransformConfig.defaults();
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return Map.of("profile_statements", "profiles are not a Tapio signal",
        "flatten_data", "statements edit nested values in place; there is nothing to flatten");
  }

  @Override
  public TransformConfig readConfig(ConfigReader reader) {
    ErrorMode errorMode = OttlConfig.errorMode(reader, ErrorMode.IGNORE);
    return new TransformConfig(errorMode,
        groups(reader, "log_statements", LOG_CONTEXTS),
        groups(reader, "trace_statements", TRACE_CONTEXTS),
        groups(reader, "metric_statements", METRIC_CONTEXTS));
  }

  /** Either form: a list of {context, statements, conditions, error_mode}, or of statements. */
  private static List<Group> groups(ConfigReader reader, String key, List<OttlContext> valid) {
    if (reader.holdsSectionList(key)) {
      List<Group> out = new ArrayList<>();
      for (ConfigReader g : reader.sectionList(key)) {
        String name = g.string("context", "");
        OttlContext context = OttlContext.byName(name);
        ErrorMode mode = g.has("error_mode") ? OttlConfig.errorMode(g, ErrorMode.IGNORE) : null;
        if (context == null || !valid.contains(context)) {
          g.error(name.isEmpty() ? "" : "context", (name.isEmpty() ? "a group needs 'context'"
              : "'" + name + "' is not a context for " + key) + ": use one of "
              + valid.stream().map(OttlContext::otelName).collect(Collectors.joining(", ")));
          g.stringList("statements", List.of());
          g.stringList("conditions", List.of());
          continue;
        }
        List<String> statements = OttlConfig.statements(g, "statements", context);
        List<String> conditions = OttlConfig.conditions(g, "conditions", context);
        if (!g.has("statements")) {
          g.error("", "a group needs 'statements'");
        }
        out.add(new Group(context, conditions, statements, mode));
      }
      return out;
    }
    // The flat form: each statement's context is inferred; consecutive statements of the same
    // context form one group, so that they run in one pass over the data, in order.
    List<String> texts = reader.stringList(key, List.of());
    List<Group> out = new ArrayList<>();
    OttlContext current = null;
    List<String> run = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      OttlContext context;
      try {
        context = Ottl.inferContext(text, valid);
        if (!valid.contains(context)) {
          reader.error(key + "." + i, "the " + context.otelName() + " context is not valid in "
              + key);
          continue;
        }
        Ottl.statement(text, context);
      } catch (OttlException e) {
        reader.error(key + "." + i, e.offset(), "invalid OTTL statement at " + e.getMessage());
        continue;
      }
      if (context != current && !run.isEmpty()) {
        out.add(new Group(current, List.of(), run, null));
        run = new ArrayList<>();
      }
      current = context;
      run.add(text);
    }
    if (!run.isEmpty()) {
      out.add(new Group(current, List.of(), run, null));
    }
    return out;
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, TransformConfig config,
      LogsConsumer next) {
    return new TransformProcessor(new Groups(context, config.errorMode(),
        config.logStatements()), next, null, null);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, TransformConfig config,
      TracesConsumer next) {
    return new TransformProcessor(new Groups(context, config.errorMode(),
        config.traceStatements()), null, next, null);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, TransformConfig config,
      MetricsConsumer next) {
    return new TransformProcessor(new Groups(context, config.errorMode(),
        config.metricStatements()), null, null, next);
  }
}
