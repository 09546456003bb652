package dev.tapio.engine.graph;

import dev.tapio.pdata.TelemetryData;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the items that pass on their way to {@code next}: the Collector's {@code
 * otelcol_processor_incoming_items} in front of a processor and {@code
 * otelcol_processor_outgoing_items} behind it. Counts before handing on, so a batch the next
 * stage refuses is still counted as having left the processor. Same threading as the stage it
 * wraps.
 */
final class CountedSink<T extends TelemetryData<?>> implements DataSink<T> {
  private final DataSink<T> next;
  private final LongAdder items;

  CountedSink(DataSink<T> next, LongAdder items) {
    this.next = next;
    this.items = items;
  }

  @Override
  public void consume(T data) {
    items.add(data.itemCount());
    next.consume(data);
  }

  @Override
  public boolean mutates() {
    return next.mutates();
  }
}
