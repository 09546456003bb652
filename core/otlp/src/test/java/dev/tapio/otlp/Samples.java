package dev.tapio.otlp;

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
import dev.tapio.pdata.Traces;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Telemetry with every field set to something other than its default, for round trips. Shared
 * with other modules' tests through this module's test jar.
 */
public final class Samples {
  static final long T0 = 1_763_764_318_123_456_789L;
  static final byte[] TRACE_ID = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0fff");
  static final byte[] SPAN_ID = HexFormat.of().parseHex("1112131415161718");
  static final byte[] PARENT_ID = HexFormat.of().parseHex("a1a2a3a4a5a6a7a8");

  private Samples() {}

  /** Every AnyValue shape, nested. */
  static AnyValue nested() {
    Map<String, AnyValue> inner = new LinkedHashMap<>();
    inner.put("s", AnyValue.of("v"));
    inner.put("i", AnyValue.of(-7L));
    inner.put("empty", AnyValue.EMPTY);
    inner.put("list", AnyValue.ofArray(List.of(AnyValue.of(true), AnyValue.of(2.5),
        AnyValue.ofBytes(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe}))));
    inner.put("emptyList", AnyValue.ofArray(List.of()));
    inner.put("emptyMap", AnyValue.ofMap(Map.of()));
    return AnyValue.ofMap(inner);
  }

  static void fillResource(dev.tapio.pdata.ResourceEntry<?> entry) {
    entry.setSchemaUrl("https://opentelemetry.io/schemas/1.37.0");
    entry.resource().setDroppedAttributesCount(3);
    entry.resource().attributes().putString("service.name", "svc").putLong("host.cpus", 8)
        .putDouble("load", 0.75).putBool("k8s", true).put("labels", nested());
  }

  static void fillScope(dev.tapio.pdata.ScopeEntry<?> entry) {
    entry.setSchemaUrl("https://example.com/scope-schema");
    entry.scope().setName("tapio.test").setVersion("1.2.3").setDroppedAttributesCount(1);
    entry.scope().attributes().putString("scope.kind", "receiver");
  }

  public static Logs logs() {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    fillResource(rl);
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    fillScope(sl);
    LogRecord r = sl.logRecords().appendEmpty();
    r.setTimeUnixNano(T0).setObservedTimeUnixNano(-1L) // 2^64-1: fixed64 is unsigned
        .setSeverity(Severity.ERROR2).setSeverityText("error").setEventName("process.exec")
        .setBody("hello").setDroppedAttributesCount(2).setFlags(0x80000001)
        .setTraceId(TRACE_ID).setSpanId(SPAN_ID);
    r.attributes().putLong("process.pid", Long.MIN_VALUE).putDouble("ratio", -0.125)
        .putBool("ok", false).putString("empty", "")
        .put("bytes", AnyValue.ofBytes(new byte[] {1, 2, 3, 4}))
        .put("array", AnyValue.ofArray(List.of(AnyValue.of("a"), AnyValue.of(1L))))
        .put("map", nested());
    sl.logRecords().appendEmpty().setBody(nested()).setSeverity(Severity.INFO);
    sl.logRecords().appendEmpty().setBody(AnyValue.of(42L));
    sl.logRecords().appendEmpty(); // every field at its default
    // A second resource with an empty scope.
    ResourceLogs second = logs.resourceLogs().appendEmpty();
    second.scopeLogs().appendEmpty().logRecords().appendEmpty().setBody(AnyValue.of(1.5));
    return logs;
  }

  public static Traces traces() {
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    fillResource(rs);
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    fillScope(ss);
    Span s = ss.spans().appendEmpty();
    s.setTraceId(TRACE_ID).setSpanId(SPAN_ID).setParentSpanId(PARENT_ID).setTraceState("ot=th:0")
        .setFlags(0x301).setName("GET /users").setKind(SpanKind.CONSUMER)
        .setStartTimeUnixNano(T0).setEndTimeUnixNano(T0 + 12_345_000)
        .setDroppedAttributesCount(4).setDroppedEventsCount(5).setDroppedLinksCount(6)
        .setStatus(StatusCode.ERROR, "boom");
    s.attributes().putString("http.method", "GET").putLong("http.status_code", 500);
    var event = s.events().appendEmpty().setName("exception").setTimeUnixNano(T0 + 1_000)
        .setDroppedAttributesCount(1);
    event.attributes().putString("exception.type", "IOException");
    s.events().appendEmpty().setName("bare");
    var link = s.links().appendEmpty().setTraceId(TRACE_ID).setSpanId(PARENT_ID)
        .setTraceState("a=b").setDroppedAttributesCount(2).setFlags(1);
    link.attributes().putBool("sampled", true);
    ss.spans().appendEmpty().setName("ok").setKind(SpanKind.SERVER)
        .setStatus(StatusCode.OK, null);
    ss.spans().appendEmpty(); // all defaults
    return traces;
  }

  public static Metrics metrics() {
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    fillResource(rm);
    ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
    fillScope(sm);

    Metric gauge = sm.metrics().appendEmpty().setName("queue.size").setDescription("items")
        .setUnit("{item}");
    var points = gauge.setGauge();
    var g1 = points.appendEmpty().setLongValue(-42);
    g1.setStartTimeUnixNano(T0 - 1);
    g1.setTimeUnixNano(T0);
    g1.setFlags(1);
    g1.attributes().putString("queue", "in");
    points.appendEmpty().setLongValue(0); // a zero int must still say it is an int
    points.appendEmpty().setDoubleValue(0.0);
    points.appendEmpty().setDoubleValue(Double.NaN);
    points.appendEmpty().setDoubleValue(Double.POSITIVE_INFINITY);
    points.appendEmpty().setDoubleValue(Double.NEGATIVE_INFINITY);
    points.appendEmpty().setDoubleValue(1e-300);

    Metric sum = sm.metrics().appendEmpty().setName("bytes.sent").setUnit("By");
    var s = sum.setSum(AggregationTemporality.CUMULATIVE, true).appendEmpty().setDoubleValue(1.5);
    s.setStartTimeUnixNano(T0 - 1_000_000_000L);
    s.setTimeUnixNano(T0);
    sm.metrics().appendEmpty().setName("delta.sum")
        .setSum(AggregationTemporality.DELTA, false).appendEmpty().setLongValue(Long.MAX_VALUE);

    Metric histogram = sm.metrics().appendEmpty().setName("latency").setUnit("ms");
    var h = histogram.setHistogram(AggregationTemporality.DELTA).appendEmpty();
    h.setTimeUnixNano(T0);
    h.setCount(6);
    h.setSum(0.0); // present though zero: optional field
    h.setMin(-0.5);
    h.setMax(12);
    h.setFlags(1);
    h.setBuckets(new double[] {1, 10}, new long[] {1, 3, -1L});
    h.attributes().putString("route", "/a");
    histogram.histogramPoints().appendEmpty().setCount(0); // sum, min, max absent

    Metric exponential = sm.metrics().appendEmpty().setName("size");
    var e = exponential.setExponentialHistogram(AggregationTemporality.CUMULATIVE).appendEmpty();
    e.setTimeUnixNano(T0);
    e.setCount(6);
    e.setSum(12.5);
    e.setMin(0);
    e.setMax(7);
    e.setScale(-3);
    e.setZeroCount(1);
    e.setZeroThreshold(1e-9);
    e.setPositive(-2, new long[] {1, 2});
    e.setNegative(5, new long[] {2});
    exponential.exponentialHistogramPoints().appendEmpty();

    Metric summary = sm.metrics().appendEmpty().setName("rtt");
    var q = summary.setSummary().appendEmpty();
    q.setTimeUnixNano(T0);
    q.setCount(3);
    q.setSum(6);
    q.setQuantileValues(new double[] {0, 0.5, 0.99}, new double[] {1, 2, 3});

    sm.metrics().appendEmpty().setName("no.data"); // a metric of no type
    return metrics;
  }
}
