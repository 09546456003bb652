package dev.tapio.engine.graph;

import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.telemetry.SelfTelemetry;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import io.opentelemetry.api.metrics.DoubleHistogram;
import java.util.List;

/**
 * A pipeline's own counters: items handed to its exporters, items it dropped by reason (every
 * reason present from the start, at 0, so alerts see a series), queue fill, and the latency from
 * entering the queue to reaching the exporters as a histogram in seconds ({@code
 * tapio_pipeline_latency_seconds}), recorded once per batch for its oldest item, whichever
 * thread hands it on (a batch processor's timer included). Thread-safe.
 */
final class PipelineTelemetry {
  /** Every reason a pipeline itself drops items for. */
  static final List<String> DROP_REASONS =
      List.of("queue_full", "memory_budget", "shutdown_timeout", "refused", "pipeline_error");
  // 50 µs to 10 s: the budget is p99 < 1 ms, so resolution sits around it.
  private static final List<Double> LATENCY_BUCKETS = List.of(0.00005, 0.0001, 0.00025, 0.0005,
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  private final SelfTelemetry telemetry;
  private final PipelineId id;
  private final String label;
  private final LongAdder processed;
  private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();
  private final DoubleHistogram latency;
  private final Attributes attributes;

  PipelineTelemetry(SelfTelemetry telemetry, PipelineId id) {
    this.telemetry = telemetry;
    this.id = id;
    this.label = "pipeline/" + id;
    this.attributes = Attributes.builder().put("pipeline", id.toString()).build();
    this.processed = telemetry.counter("tapio_events_processed",
        "Items a pipeline handed to its exporters.", attributes);
    this.latency = telemetry.secondsHistogram("tapio_pipeline_latency",
        "Time from entering the pipeline queue to reaching the exporters, per batch, of its"
            + " oldest item.",
        LATENCY_BUCKETS);
    for (String reason : DROP_REASONS) {
      dropped(0, reason);
    }
  }

  void queueGauges(IntSupplier size, int capacity) {
    telemetry.gauge("tapio_pipeline_queue_size", "Batches waiting in the pipeline queue.",
        attributes, size::getAsInt);
    telemetry.gauge("tapio_pipeline_queue_capacity", "Capacity of the pipeline queue, in batches.",
        attributes, () -> capacity);
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
    latency.record(Math.max(0, nanos) / 1e9, attributes);
  }
}
