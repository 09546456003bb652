package dev.tapio.engine.graph;

import dev.tapio.component.ComponentId;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.telemetry.SelfTelemetry;
import dev.tapio.pdata.TelemetryData;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a receiver's consumer leads to: counts {@code otelcol_receiver_accepted_*} and {@code
 * otelcol_receiver_refused_*}, then fans out to the queues of every pipeline naming the receiver.
 * Thread-safe: receivers call it from any number of threads.
 */
final class ReceiverEntry<T extends TelemetryData<?>> implements DataSink<T> {
  private final DataSink<T> pipelines;
  private final LongAdder accepted;
  private final LongAdder refused;

  ReceiverEntry(ComponentId id, String items, DataSink<T> pipelines, SelfTelemetry telemetry) {
    this.pipelines = pipelines;
    Attributes a = Attributes.builder().put("receiver", id.toString()).build();
    this.accepted = telemetry.counter("otelcol_receiver_accepted_" + items,
        "Items the receiver pushed into its pipelines.", a);
    this.refused = telemetry.counter("otelcol_receiver_refused_" + items,
        "Items the pipelines refused (the receiver's caller keeps them).", a);
  }

  @Override
  public void consume(T data) {
    // Count first: once handed on, the data is no longer ours to read.
    int n = data.itemCount();
    try {
      pipelines.consume(data);
      accepted.add(n);
    } catch (ConsumerException e) {
      refused.add(n);
      throw e;
    }
  }

  @Override
  public boolean mutates() {
    return pipelines.mutates();
  }

  long acceptedCount() {
    return accepted.sum();
  }
}
