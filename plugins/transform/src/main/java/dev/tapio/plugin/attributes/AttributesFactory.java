package dev.tapio.plugin.attributes;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Creates {@code attributes} processors. Stateless and thread-safe. */
@Extension
public final class AttributesFactory implements ProcessorFactory<AttributesConfig> {
  private static final String MATCH_PROPERTIES = "put the attributes processor in a pipeline of"
      + " its own, or use the transform processor with a where clause";
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.of(
      "include", MATCH_PROPERTIES,
      "exclude", MATCH_PROPERTIES,
      "actions[].default_value", Action.DEFAULT_VALUE_UNSUPPORTED);

  public AttributesFactory() {}

  @Override
  public String type() {
    return "attributes";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public String description() {
    return "Inserts, updates, deletes, hashes, extracts and converts attributes of spans, log"
        + " records and data points";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }

  @Override
  public AttributesConfig createDefaultConfig() {
    return new AttributesConfig(List.of());
  }

  @Override
  public AttributesConfig readConfig(ConfigReader reader) {
    List<Action> actions = Action.readAll(reader, "actions");
    if (!reader.has("actions") || actions.isEmpty() && reader.sectionList("actions").isEmpty()) {
      reader.error("actions", "at least one action is required");
    }
    return new AttributesConfig(actions);
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, AttributesConfig config,
      LogsConsumer next) {
    return new AttributesProcessor(config, next, null, null);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, AttributesConfig config,
      TracesConsumer next) {
    return new AttributesProcessor(config, null, next, null);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, AttributesConfig config,
      MetricsConsumer next) {
    return new AttributesProcessor(config, null, null, next);
  }
}
