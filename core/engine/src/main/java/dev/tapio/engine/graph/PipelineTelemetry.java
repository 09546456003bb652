package dev.tapio.engine.graph;

import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.telemetry.SelfTelemetry;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A pipeline's own counters: items handed to its exporters, items it dropped by reason, queue
 * fill, and the latency from entering the queue to reaching the exporters (HdrHistogram,
 * microseconds, exposed as quantile gauges over the life of the pipeline). Thread-safe.
 */
final class PipelineTelemetry {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  private final SelfTelemetry telemetry;
  private final PipelineId id;
  private final String label;
  private final LongAdder processed;
  private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();
  private final Recorder latency = new Recorder(3);
  private final Histogram cumulative = new Histogram(3);
  private Histogram interval;

  PipelineTelemetry(SelfTelemetry telemetry, PipelineId id) {
    this.telemetry = telemetry;
    this.id = id;
    this.label = "pipeline/" + id;
    this.processed = telemetry.counter("tapio_events_processed",
        "Items a pipeline handed to its exporters.",
        Attributes.builder().put("pipeline", id.toString()).build());
    for (double q : QUANTILES) {
      telemetry.gauge("tapio_pipeline_latency_microseconds",
          "Time from entering the pipeline queue to reaching the exporters, since start.",
          Attributes.builder().put("pipeline", id.toString())
              .put("quantile", Double.toString(q)).build(),
          () -> quantile(q));
    }
  }

  void queueGauges(IntSupplier size, int capacity) {
    Attributes a = Attributes.builder().put("pipeline", id.toString()).build();
    telemetry.gauge("tapio_pipeline_queue_size", "Batches waiting in the pipeline queue.", a,
        size::getAsInt);
    telemetry.gauge("tapio_pipeline_queue_capacity", "Capacity of the pipeline queue, in batches.",
        a, () -> capacity);
  }

  void processed(int items) {
    processed.add(items);
  }

  long processedCount() {
    return processed.sum();
  }

  void dropped(long items, String reason) {
    LongAdder a = drops.get(reason);
    if (a == null) {
      a = drops.computeIfAbsent(reason, r -> telemetry.counter("tapio_events_dropped",
          "Items dropped anywhere in Tapio, by component and reason.",
          Attributes.builder().put("component", label).put("reason", r).build()));
    }
    a.add(items);
  }

  long droppedCount(String reason) {
    LongAdder a = drops.get(reason);
    return a == null ? 0 : a.sum();
  }

  void recordLatency(long nanos) {
    latency.recordValue(Math.max(0, nanos / 1_000));
  }

  Recorder latency() {
    return latency;
  }

  /** Folds the latest interval into the cumulative histogram and reads a quantile. */
  synchronized double quantile(double q) {
    interval = latency.getIntervalHistogram(interval);
    cumulative.add(interval);
    return cumulative.getTotalCount() == 0 ? Double.NaN
        : cumulative.getValueAtPercentile(q * 100);
  }
}
