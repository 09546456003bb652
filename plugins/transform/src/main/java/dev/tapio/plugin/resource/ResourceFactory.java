package dev.tapio.plugin.resource;

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
import dev.tapio.plugin.attributes.Action;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Creates {@code resource} processors. Stateless and thread-safe. */
@Extension
public final class ResourceFactory implements ProcessorFactory<ResourceConfig> {

  public ResourceFactory() {}

  @Override
  public String type() {
    return "resource";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return Map.of("attributes[].default_value", Action.DEFAULT_VALUE_UNSUPPORTED);
  }

  @Override
  public String description() {
    return "Inserts, updates, deletes, hashes, extracts and converts resource attributes";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }

  @Override
  public ResourceConfig createDefaultConfig() {
    return new ResourceConfig(List.of());
  }

  @Override
  public ResourceConfig readConfig(ConfigReader reader) {
    List<Action> actions = Action.readAll(reader, "attributes");
    if (!reader.has("attributes")) {
      reader.error("attributes", "at least one action is required");
    }
    return new ResourceConfig(actions);
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, ResourceConfig config,
      LogsConsumer next) {
    return new ResourceProcessor(config, next, null, null);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, ResourceConfig config,
      TracesConsumer next) {
    return new ResourceProcessor(config, null, next, null);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, ResourceConfig config,
      MetricsConsumer next) {
    return new ResourceProcessor(config, null, null, next);
  }
}
