package dev.tapio.plugin.otlp;

import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.util.List;
import java.util.Map;

/** Test data touching every field kind; compared through their OTLP bytes. */
final class Samples {
  static final byte[] TRACE_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  static final byte[] SPAN_ID = {8, 7, 6, 5, 4, 3, 2, 1};

  private Samples() {}

  /** {@code count} log records numbered by the attribute {@code seq} from {@code firstSeq}. */
  static Logs logs(long firstSeq, int count) {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "sample").putLong("host.cpus", 2);
    rl.setSchemaUrl("https://opentelemetry.io/schemas/1.26.0");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("tapio.test").setVersion("1.0");
    for (int i = 0; i < count; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setObservedTimeUnixNano(1_700_000_000_000_000_001L + i)
          .setSeverity(Severity.WARN)
          .setSeverityText("WARN")
          .setEventName("process.exec")
          .setBody(AnyValue.ofMap(Map.of("k", AnyValue.of("v"))))
          .setFlags(1)
          .setTraceId(TRACE_ID)
          .setSpanId(SPAN_ID)
          .setDroppedAttributesCount(3);
      r.attributes().putLong("seq", firstSeq + i)
          .putString("s", "text ü")
          .putBool("b", true)
          .putDouble("d", 2.5)
          .put("bytes", AnyValue.ofBytes(new byte[] {0, 1, (byte) 0xFF}))
          .put("array", AnyValue.ofArray(List.of(AnyValue.of(1L), AnyValue.of("two"))));
    }
    return logs;
  }

  static Metrics metrics() {
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    rm.resource().attributes().putString("service.name", "sample");
    ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
    sm.scope().setName("tapio.test");
    Metric gauge = sm.metrics().appendEmpty().setName("g").setUnit("1").setDescription("a gauge");
    var p = gauge.setGauge().appendEmpty();
    p.setTimeUnixNano(5);
    p.setDoubleValue(1.5);
    p.attributes().putString("a", "b");
    Metric sum = sm.metrics().appendEmpty().setName("s");
    var q = sum.setSum(AggregationTemporality.CUMULATIVE, true).appendEmpty();
    q.setStartTimeUnixNano(1);
    q.setTimeUnixNano(6);
    q.setLongValue(42);
    Metric histogram = sm.metrics().appendEmpty().setName("h").setUnit("ms");
    var h = histogram.setHistogram(AggregationTemporality.DELTA).appendEmpty();
    h.setTimeUnixNano(7);
    h.setCount(3);
    h.setSum(12);
    h.setMin(1);
    h.setMax(8);
    h.setBuckets(new double[] {5}, new long[] {2, 1});
    return metrics;
  }

  static Traces traces() {
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "sample");
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    ss.scope().setName("tapio.test");
    Span span = ss.spans().appendEmpty()
        .setTraceId(TRACE_ID)
        .setSpanId(SPAN_ID)
        .setName("GET /")
        .setKind(SpanKind.SERVER)
        .setStartTimeUnixNano(10)
        .setEndTimeUnixNano(20)
        .setStatus(StatusCode.ERROR, "boom");
    span.attributes().putLong("http.response.status_code", 500);
    span.events().appendEmpty().setName("exception").setTimeUnixNano(15);
    return traces;
  }

  /** The OTLP bytes of {@code data}: equal bytes mean equal content, field by field. */
  static byte[] bytes(TelemetryData<?> data) {
    OtlpEncoder encoder = new OtlpEncoder();
    encoder.encode(data);
    return encoder.toByteArray();
  }
}
