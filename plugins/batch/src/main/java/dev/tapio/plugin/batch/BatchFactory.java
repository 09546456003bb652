package dev.tapio.plugin.batch;

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
import java.util.Set;
import org.pf4j.Extension;

/** Creates {@code batch} processors. Stateless and thread-safe. */
@Extension
public final class BatchFactory implements ProcessorFactory<BatchConfig> {

  public BatchFactory() {}

  @Override
  public String type() {
    return "batch";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Groups log records, spans and metric points into batches by size and time";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public BatchConfig createDefaultConfig() {
    return BatchConfig.defaults();
  }

  @Override
  public BatchConfig readConfig(ConfigReader reader) {
    return new BatchConfig(
        reader.integer("send_batch_size", BatchConfig.DEFAULT_SEND_BATCH_SIZE),
        reader.integer("send_batch_max_size", BatchConfig.DEFAULT_SEND_BATCH_MAX_SIZE),
        reader.duration("timeout", BatchConfig.DEFAULT_TIMEOUT));
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, BatchConfig config,
      LogsConsumer next) {
    return new BatchProcessor.ForLogs(
        new Batcher<>(context, config, BatchSignal.LOGS, next::consumeLogs));
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, BatchConfig config,
      MetricsConsumer next) {
    return new BatchProcessor.ForMetrics(
        new Batcher<>(context, config, BatchSignal.METRICS, next::consumeMetrics));
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, BatchConfig config,
      TracesConsumer next) {
    return new BatchProcessor.ForTraces(
        new Batcher<>(context, config, BatchSignal.TRACES, next::consumeTraces));
  }
}
