package dev.tapio.engine.graph;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.telemetry.EngineContext;
import dev.tapio.engine.telemetry.SelfTelemetry;
import dev.tapio.pdata.TelemetryData;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.LongAdder;

/**
 * One pipeline's exporter stage as the engine runs it, with the Collector's exporter counters.
 *
 * <ul>
 *   <li>Returned normally: {@code otelcol_exporter_sent_*} — unless the exporter counts that
 *       itself when its destination accepted ({@link EngineContext#countsOwnDelivery()}: an
 *       exporter with a sending queue, whose consume returns once the batch is queued).
 *   <li>A retryable refusal (sending queue full, disk full): passed on, nothing counted; the
 *       caller still owns the data and the pipeline retries or refuses upstream.
 *   <li>Anything else thrown, {@code Error}s included: {@code otelcol_exporter_send_failed_*}
 *       plus a drop with reason {@code export_failed} ({@code out_of_memory}, {@code
 *       linkage_error} for those errors), reported on {@code /readyz} and logged with the
 *       exporter named. The failure ends here: the pipeline's other exporters still get the data.
 * </ul>
 *
 * <p>One instance per pipeline and exporter, called by one thread at a time; the counters are
 * shared with the exporter's other pipelines.
 */
final class ObservedExporter<T extends TelemetryData<?>> implements DataSink<T> {
  private final DataSink<T> exporter;
  private final EngineContext context;
  private final ComponentCall call;
  private final LongAdder sent;
  private final LongAdder failed;

  ObservedExporter(DataSink<T> exporter, ComponentCall call, SelfTelemetry telemetry) {
    this.exporter = exporter;
    this.call = call;
    this.context = call.context();
    String items = context.signal().itemName();
    Attributes a = Attributes.builder().put("exporter", context.id().toString()).build();
    this.sent = telemetry.counter("otelcol_exporter_sent_" + items,
        "Items the exporter's destination accepted.", a);
    this.failed = telemetry.counter("otelcol_exporter_send_failed_" + items,
        "Items the exporter failed to send.", a);
  }

  @Override
  public void consume(T data) {
    int n = data.itemCount();
    boolean ok = false;
    call.enter();
    try {
      exporter.consume(data);
      ok = true;
      if (!context.countsOwnDelivery()) {
        sent.add(n);
      }
    } catch (ConsumerException e) {
      if (e.retryable()) {
        ok = true; // a refusal is the exporter working as designed
        throw e;
      }
      lost(n, e, "export_failed");
    } catch (Throwable t) {
      lost(n, t, GuardedProcessor.reason(t, "export_failed"));
    } finally {
      call.exit(ok);
    }
  }

  private void lost(int n, Throwable t, String reason) {
    failed.add(n);
    context.dropped(n, reason);
    call.failed(n, t, "dropped them");
  }

  @Override
  public boolean mutates() {
    return exporter.mutates();
  }
}
