package dev.tapio.plugin.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
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
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DebugExporterTest {
  static final long T0 = nanos("2026-11-21T22:31:58.123456789Z");
  static final byte[] TRACE_ID = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
  static final byte[] SPAN_ID = HexFormat.of().parseHex("1112131415161718");
  static final byte[] PARENT_ID = HexFormat.of().parseHex("2122232425262728");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  static long nanos(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private DebugExporter exporter(DebugConfig.Verbosity verbosity, Signal signal) {
    return new DebugExporter(new TestContext("debug", Kind.EXPORTER, signal),
        new DebugConfig(verbosity, 2, 1), out);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  static Logs sampleLogs() {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "svc");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("tapio.test").setVersion("1.0");
    LogRecord r = sl.logRecords().appendEmpty();
    r.setTimeUnixNano(T0).setObservedTimeUnixNano(T0 + 1_000).setSeverity(Severity.INFO)
        .setEventName("process.exec").setBody("started\nshell")
        .setTraceId(TRACE_ID).setSpanId(SPAN_ID).setFlags(1);
    r.attributes().putLong("process.pid", 123).putString("process.executable.path", "/bin/sh")
        .putString("process.command_line", "sh -c true").putBool("ok", true);
    LogRecord plain = sl.logRecords().appendEmpty();
    plain.setObservedTimeUnixNano(T0).setSeverity(Severity.WARN2).setSeverityText("warning")
        .setBody(AnyValue.ofMap(Map.of("k", AnyValue.of(1L))));
    return logs;
  }

  static Traces sampleTraces() {
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "svc");
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    ss.scope().setName("tapio.test");
    Span s = ss.spans().appendEmpty();
    s.setTraceId(TRACE_ID).setSpanId(SPAN_ID).setParentSpanId(PARENT_ID).setName("GET /users")
        .setKind(SpanKind.SERVER).setStartTimeUnixNano(T0).setEndTimeUnixNano(T0 + 12_345_000)
        .setStatus(StatusCode.ERROR, "boom").setTraceState("ot=th:0");
    s.attributes().putString("http.method", "GET").putLong("http.status_code", 500);
    var event = s.events().appendEmpty().setName("exception").setTimeUnixNano(T0 + 1_000);
    event.attributes().putString("exception.type", "IOException");
    var link = s.links().appendEmpty().setTraceId(TRACE_ID).setSpanId(PARENT_ID);
    link.attributes().putBool("sampled", false);
    s.setDroppedEventsCount(2);
    return traces;
  }

  static Metrics sampleMetrics() {
    Metrics metrics = new Metrics();
    ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
    rm.resource().attributes().putString("service.name", "svc");
    ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
    sm.scope().setName("tapio.test");
    Metric gauge = sm.metrics().appendEmpty().setName("queue.size").setUnit("1");
    var g = gauge.setGauge().appendEmpty().setLongValue(42);
    g.setTimeUnixNano(T0);
    g.attributes().putString("queue", "in");
    Metric sum = sm.metrics().appendEmpty().setName("bytes.sent").setUnit("By");
    var s = sum.setSum(AggregationTemporality.CUMULATIVE, true).appendEmpty().setDoubleValue(1.5);
    s.setStartTimeUnixNano(T0 - 1_000_000_000L);
    s.setTimeUnixNano(T0);
    Metric histogram = sm.metrics().appendEmpty().setName("latency").setUnit("ms");
    var h = histogram.setHistogram(AggregationTemporality.DELTA).appendEmpty();
    h.setTimeUnixNano(T0);
    h.setCount(6);
    h.setSum(30.5);
    h.setMin(0.5);
    h.setBuckets(new double[] {1, 10}, new long[] {1, 3, 2});
    Metric exponential = sm.metrics().appendEmpty().setName("size");
    var e = exponential.setExponentialHistogram(AggregationTemporality.DELTA).appendEmpty();
    e.setTimeUnixNano(T0);
    e.setCount(6);
    e.setScale(0);
    e.setZeroCount(1);
    e.setPositive(0, new long[] {1, 2});
    e.setNegative(0, new long[] {2});
    Metric summary = sm.metrics().appendEmpty().setName("rtt");
    var q = summary.setSummary().appendEmpty();
    q.setTimeUnixNano(T0);
    q.setCount(3);
    q.setSum(6);
    q.setQuantileValues(new double[] {0.5, 0.99}, new double[] {2, 3});
    return metrics;
  }

  @Test
  void basicPrintsOneSummaryLinePerBatch() {
    exporter(DebugConfig.Verbosity.BASIC, Signal.LOGS).consumeLogs(LogsBuilder.logs("x", 100));
    DebugExporter metrics = exporter(DebugConfig.Verbosity.BASIC, Signal.METRICS);
    metrics.consumeMetrics(sampleMetrics());
    metrics.consumeMetrics(sampleMetrics());
    exporter(DebugConfig.Verbosity.BASIC, Signal.TRACES).consumeTraces(sampleTraces());
    assertEquals("""
        LogsExporter #0 resource logs: 1, log records: 100
        MetricsExporter #0 resource metrics: 1, metrics: 5, data points: 5
        MetricsExporter #1 resource metrics: 1, metrics: 5, data points: 5
        TracesExporter #0 resource spans: 1, spans: 1
        """, printed());
  }

  @Test
  void aBatchLargerThanOnePieceIsPrintedWholeAndInOrder() {
    DebugExporter exporter = exporter(DebugConfig.Verbosity.NORMAL, Signal.LOGS);
    exporter.consumeLogs(LogsBuilder.logs("big", 5000)); // ~350 KB of text: many pieces
    exporter.consumeLogs(LogsBuilder.logs("next", 2));
    String[] lines = printed().split("\n");
    assertEquals(1 + 5000 + 1 + 2, lines.length);
    assertEquals("LogsExporter #0 resource logs: 1, log records: 5000", lines[0]);
    for (int i = 0; i < 5000; i++) {
      assertTrue(lines[1 + i].contains(" big-" + i + " "), lines[1 + i]);
    }
    assertEquals("LogsExporter #1 resource logs: 1, log records: 2", lines[5001]);
    assertTrue(lines[5003].contains(" next-1 "), lines[5003]);
  }

  @Test
  void normalPrintsOneLinePerLogRecord() {
    exporter(DebugConfig.Verbosity.NORMAL, Signal.LOGS).consumeLogs(sampleLogs());
    assertEquals("""
        LogsExporter #0 resource logs: 1, log records: 2
        2026-11-21T22:31:58.123Z INFO process.exec started\\nshell process.pid=123 \
        process.executable.path=/bin/sh process.command_line="sh -c true" ok=true \
        trace_id=0102030405060708090a0b0c0d0e0f10 span_id=1112131415161718
        2026-11-21T22:31:58.123Z warning {"k":1}
        """, printed());
  }

  @Test
  void normalPrintsOneLinePerSpan() {
    exporter(DebugConfig.Verbosity.NORMAL, Signal.TRACES).consumeTraces(sampleTraces());
    assertEquals("""
        TracesExporter #0 resource spans: 1, spans: 1
        2026-11-21T22:31:58.123Z GET /users SERVER 12.345ms \
        trace_id=0102030405060708090a0b0c0d0e0f10 span_id=1112131415161718 \
        parent_span_id=2122232425262728 status=ERROR status_message="boom" http.method=GET \
        http.status_code=500
        """, printed());
  }

  @Test
  void normalPrintsOneLinePerDataPoint() {
    exporter(DebugConfig.Verbosity.NORMAL, Signal.METRICS).consumeMetrics(sampleMetrics());
    assertEquals("""
        MetricsExporter #0 resource metrics: 1, metrics: 5, data points: 5
        queue.size gauge{queue=in} 42
        bytes.sent sum 1.5
        latency histogram count=6 sum=30.5 min=0.5 buckets=[le 1.0: 1, le 10.0: 3, le +Inf: 2]
        size exponential_histogram count=6 scale=0 zero_count=1 positive=0:[1,2] negative=0:[2]
        rtt summary count=3 sum=6.0 quantiles=[q0.5: 2.0, q0.99: 3.0]
        """, printed());
  }

  @Test
  void detailedDumpsEveryLogField() {
    exporter(DebugConfig.Verbosity.DETAILED, Signal.LOGS).consumeLogs(sampleLogs());
    assertEquals("""
        LogsExporter #0 resource logs: 1, log records: 2
        ResourceLog #0
        Resource SchemaURL: \n\
        Resource attributes:
             -> service.name: Str(svc)
        ScopeLogs #0
        ScopeLogs SchemaURL: \n\
        InstrumentationScope tapio.test 1.0
        LogRecord #0
        ObservedTimestamp: 2026-11-21 22:31:58.123457789 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        SeverityText: \n\
        SeverityNumber: Info(9)
        EventName: process.exec
        Body: Str(started
        shell)
        Attributes:
             -> process.pid: Int(123)
             -> process.executable.path: Str(/bin/sh)
             -> process.command_line: Str(sh -c true)
             -> ok: Bool(true)
        Trace ID: 0102030405060708090a0b0c0d0e0f10
        Span ID: 1112131415161718
        Flags: 1
        LogRecord #1
        ObservedTimestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Timestamp: 1970-01-01 00:00:00 +0000 UTC
        SeverityText: warning
        SeverityNumber: Warn2(14)
        Body: Map({"k":1})
        Trace ID: \n\
        Span ID: \n\
        Flags: 0
        """, printed());
  }

  @Test
  void detailedDumpsEverySpanField() {
    exporter(DebugConfig.Verbosity.DETAILED, Signal.TRACES).consumeTraces(sampleTraces());
    assertEquals("""
        TracesExporter #0 resource spans: 1, spans: 1
        ResourceSpans #0
        Resource SchemaURL: \n\
        Resource attributes:
             -> service.name: Str(svc)
        ScopeSpans #0
        ScopeSpans SchemaURL: \n\
        InstrumentationScope tapio.test \n\
        Span #0
            Trace ID       : 0102030405060708090a0b0c0d0e0f10
            Parent ID      : 2122232425262728
            ID             : 1112131415161718
            Name           : GET /users
            Kind           : Server
            TraceState     : ot=th:0
            Start time     : 2026-11-21 22:31:58.123456789 +0000 UTC
            End time       : 2026-11-21 22:31:58.135801789 +0000 UTC
            Status code    : Error
            Status message : boom
        Attributes:
             -> http.method: Str(GET)
             -> http.status_code: Int(500)
            DroppedAttributesCount: 0
        Events:
        SpanEvent #0
             -> Name: exception
             -> Timestamp: 2026-11-21 22:31:58.123457789 +0000 UTC
             -> DroppedAttributesCount: 0
             -> Attributes::
                  -> exception.type: Str(IOException)
            DroppedEventsCount: 2
        Links:
        SpanLink #0
             -> Trace ID: 0102030405060708090a0b0c0d0e0f10
             -> ID: 2122232425262728
             -> TraceState: \n\
             -> DroppedAttributesCount: 0
             -> Attributes::
                  -> sampled: Bool(false)
            DroppedLinksCount: 0
        """, printed());
  }

  @Test
  void detailedDumpsEveryMetricType() {
    exporter(DebugConfig.Verbosity.DETAILED, Signal.METRICS).consumeMetrics(sampleMetrics());
    assertEquals("""
        MetricsExporter #0 resource metrics: 1, metrics: 5, data points: 5
        ResourceMetrics #0
        Resource SchemaURL: \n\
        Resource attributes:
             -> service.name: Str(svc)
        ScopeMetrics #0
        ScopeMetrics SchemaURL: \n\
        InstrumentationScope tapio.test \n\
        Metric #0
        Descriptor:
             -> Name: queue.size
             -> Description: \n\
             -> Unit: 1
             -> DataType: Gauge
        NumberDataPoints #0
        Data point attributes:
             -> queue: Str(in)
        StartTimestamp: 1970-01-01 00:00:00 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Value: 42
        Metric #1
        Descriptor:
             -> Name: bytes.sent
             -> Description: \n\
             -> Unit: By
             -> DataType: Sum
             -> IsMonotonic: true
             -> AggregationTemporality: Cumulative
        NumberDataPoints #0
        StartTimestamp: 2026-11-21 22:31:57.123456789 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Value: 1.500000
        Metric #2
        Descriptor:
             -> Name: latency
             -> Description: \n\
             -> Unit: ms
             -> DataType: Histogram
             -> AggregationTemporality: Delta
        HistogramDataPoints #0
        StartTimestamp: 1970-01-01 00:00:00 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Count: 6
        Sum: 30.500000
        Min: 0.500000
        ExplicitBounds #0: 1.000000
        ExplicitBounds #1: 10.000000
        Buckets #0, Count: 1
        Buckets #1, Count: 3
        Buckets #2, Count: 2
        Metric #3
        Descriptor:
             -> Name: size
             -> Description: \n\
             -> Unit: \n\
             -> DataType: ExponentialHistogram
             -> AggregationTemporality: Delta
        ExponentialHistogramDataPoints #0
        StartTimestamp: 1970-01-01 00:00:00 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Count: 6
        Bucket [-2.000000, -1.000000), Count: 2
        Bucket [0, 0], Count: 1
        Bucket (1.000000, 2.000000], Count: 1
        Bucket (2.000000, 4.000000], Count: 2
        Metric #4
        Descriptor:
             -> Name: rtt
             -> Description: \n\
             -> Unit: \n\
             -> DataType: Summary
        SummaryDataPoints #0
        StartTimestamp: 1970-01-01 00:00:00 +0000 UTC
        Timestamp: 2026-11-21 22:31:58.123456789 +0000 UTC
        Count: 3
        Sum: 6.000000
        QuantileValue #0: Quantile 0.500000, Value 2.000000
        QuantileValue #1: Quantile 0.990000, Value 3.000000
        """, printed());
  }

  @Test
  void batchesBeyondTheSamplingAllowanceAreCountedNotPrinted() {
    TestContext context = new TestContext("debug", Kind.EXPORTER, Signal.LOGS);
    long[] now = {0};
    DebugExporter exporter = new DebugExporter(context,
        new DebugConfig(DebugConfig.Verbosity.BASIC, 1, 2), out, () -> now[0]);
    for (int i = 0; i < 4; i++) {
      exporter.consumeLogs(LogsBuilder.logs("x", 10));
    }
    now[0] += 1_000_000_000L;
    exporter.consumeLogs(LogsBuilder.logs("x", 10));
    assertEquals("""
        LogsExporter #0 resource logs: 1, log records: 10
        LogsExporter #2 resource logs: 1, log records: 10
        LogsExporter #4 resource logs: 1, log records: 10
        """, printed());
    assertEquals(20, context.droppedCount("sampled_out"));
  }

  @Test
  void concurrentBatchesNeverInterleave() throws Exception {
    DebugExporter exporter = exporter(DebugConfig.Verbosity.NORMAL, Signal.LOGS);
    int threads = 4;
    int batchesPerThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t;
      futures.add(pool.submit(() -> {
        for (int b = 0; b < batchesPerThread; b++) {
          exporter.consumeLogs(LogsBuilder.logs(prefix + "b" + b, 5));
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    String[] lines = printed().split("\n");
    assertEquals(threads * batchesPerThread * 6, lines.length);
    Pattern body = Pattern.compile(" INFO (t\\d+b\\d+)-(\\d) seq=\\2$");
    for (int i = 0; i < lines.length; i += 6) {
      assertTrue(lines[i].startsWith("LogsExporter #"), lines[i]);
      String batch = null;
      for (int k = 0; k < 5; k++) {
        Matcher m = body.matcher(lines[i + 1 + k]);
        assertTrue(m.find(), lines[i + 1 + k]);
        assertEquals(String.valueOf(k), m.group(2));
        if (batch == null) {
          batch = m.group(1);
        }
        assertEquals(batch, m.group(1), "records of one batch are printed together");
      }
    }
  }
}
