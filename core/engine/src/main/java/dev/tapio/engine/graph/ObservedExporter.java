package dev.tapio.engine.graph;

import dev.tapio.engine.telemetry.EngineContext;
import dev.tapio.engine.telemetry.SelfTelemetry;
import dev.tapio.pdata.TelemetryData;
import io.opentelemetry.api.common.Attributes;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps an exporter's sink with the Collector's exporter counters: {@code
 * otelcol_exporter_sent_*} on success, {@code otelcol_exporter_send_failed_*} plus a drop with
 * reason {@code export_failed} when it throws. The failure ends here: the other exporters of the
 * pipeline still get their data. Thread-safe (exporters are shared by pipelines).
 */
final class ObservedExporter<T extends TelemetryData<?>> implements DataSink<T> {
  private final DataSink<T> exporter;
  private final EngineContext context;
  private final LongAdder sent;
  private final LongAdder failed;
  private final AtomicLong lastLog = new AtomicLong();

  ObservedExporter(DataSink<T> exporter, EngineContext context, SelfTelemetry telemetry) {
    this.exporter = exporter;
    this.context = context;
    String items = context.signal().itemName();
    Attributes a = Attributes.builder().put("exporter", context.id().toString()).build();
    this.sent = telemetry.counter("otelcol_exporter_sent_" + items,
        "Items the exporter sent successfully.", a);
    this.failed = telemetry.counter("otelcol_exporter_send_failed_" + items,
        "Items the exporter failed to send.", a);
  }

  @Override
  public void consume(T data) {
    int n = data.itemCount();
    try {
      exporter.consume(data);
      sent.add(n);
    } catch (RuntimeException e) {
      failed.add(n);
      context.dropped(n, "export_failed");
      long now = System.nanoTime();
      long last = lastLog.get();
      if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(10))
          && lastLog.compareAndSet(last, now)) {
        context.logger().log(Level.WARNING,
            "exporter " + context.id() + " failed to send " + n + " items: " + e.getMessage());
      }
    }
  }

  @Override
  public boolean mutates() {
    return exporter.mutates();
  }
}
