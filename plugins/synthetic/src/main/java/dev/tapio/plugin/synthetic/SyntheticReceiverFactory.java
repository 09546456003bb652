package dev.tapio.plugin.synthetic;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.Severity;
import java.util.Set;
import org.pf4j.Extension;

/** The {@code synthetic} receiver: generated log records for tests, demos and benchmarks. */
@Extension
public final class SyntheticReceiverFactory implements ReceiverFactory<SyntheticConfig> {

  public SyntheticReceiverFactory() {}

  @Override
  public String type() {
    return "synthetic";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Generates log records at a configured rate, for tests, demos and benchmarks.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS);
  }

  @Override
  public SyntheticConfig createDefaultConfig() {
    return SyntheticConfig.DEFAULT;
  }

  @Override
  public SyntheticConfig readConfig(ConfigReader r) {
    SyntheticConfig d = SyntheticConfig.DEFAULT;
    double rate = r.number("rate", d.rate());
    long count = r.longValue("count", d.count());
    int batchSize = r.integer("batch_size", d.batchSize());
    long bodySize = r.bytes("body_size", d.bodySize());
    if (bodySize > SyntheticConfig.MAX_BODY_SIZE) {
      r.error("body_size", "must be at most 16MiB");
      bodySize = d.bodySize();
    }
    int attributeCount = r.integer("attribute_count", d.attributeCount());
    String eventName = r.string("event_name", d.eventName());
    Severity severity = r.enumValue("severity", Severity.class, d.severity());
    var resourceAttributes = r.stringMap("resource_attributes", d.resourceAttributes());
    return new SyntheticConfig(rate, count, batchSize, (int) bodySize, attributeCount, eventName,
        severity, resourceAttributes);
  }

  @Override
  public Component createLogs(ComponentContext context, SyntheticConfig config,
      LogsConsumer next) {
    return new SyntheticReceiver(context, config, next);
  }
}
