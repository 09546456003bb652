package dev.tapio.plugin.batch;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.Processors;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
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
import java.util.Map;
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
  public Map<String, String> unsupportedKeys() {
    return Map.of(
        "metadata_keys", "batches are not split by client metadata, which Tapio does not keep",
        "metadata_cardinality_limit", "it bounds metadata_keys, which is not supported either");
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
    Batcher<Logs> batcher =
        new Batcher<>(context, config, BatchSignal.LOGS, next::consumeLogs);
    // Mutates: the batcher takes ownership and moves incoming data into its pending batch.
    return Processors.logs(batcher, batcher::consume, Capabilities.MUTATES);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, BatchConfig config,
      MetricsConsumer next) {
    Batcher<Metrics> batcher =
        new Batcher<>(context, config, BatchSignal.METRICS, next::consumeMetrics);
    // Mutates: the batcher takes ownership and moves incoming data into its pending batch.
    return Processors.metrics(batcher, batcher::consume, Capabilities.MUTATES);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, BatchConfig config,
      TracesConsumer next) {
    Batcher<Traces> batcher =
        new Batcher<>(context, config, BatchSignal.TRACES, next::consumeTraces);
    // Mutates: the batcher takes ownership and moves incoming data into its pending batch.
    return Processors.traces(batcher, batcher::consume, Capabilities.MUTATES);
  }
}
