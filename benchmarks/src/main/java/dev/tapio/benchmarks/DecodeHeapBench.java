package dev.tapio.benchmarks;

import dev.tapio.component.Signal;
import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.otlp.OtlpJsonDecoder;
import dev.tapio.otlp.OtlpJsonEncoder;
import dev.tapio.otlp.OtlpRequestDecoder;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Heap held by decoded OTLP requests per byte of request body: the decode factors of the
 * {@code otlp} receiver's memory estimate ({@code RequestMemory}). For each shape, decodes one
 * request (1,000 items) into many copies kept alive, and divides the growth of the heap in use
 * after a full GC by the copies and the body's size. A {@code main()} harness, not JMH: it
 * measures retained bytes, not time. Run it with the heap settings of {@code bin/tapio}:
 *
 * <pre>{@code
 * $J -XX:+UseSerialGC -Xmx1g -cp benchmarks/target/benchmarks.jar \
 *    dev.tapio.benchmarks.DecodeHeapBench
 * }</pre>
 */
public final class DecodeHeapBench {
  private static final byte[] TRACE_ID = new byte[16];
  private static final byte[] SPAN_ID = new byte[8];

  private DecodeHeapBench() {}

  public static void main(String[] args) throws Exception {
    TRACE_ID[0] = 1;
    SPAN_ID[0] = 1;
    measure("logs: short body, 3 attributes", Signal.LOGS, shortLogs(1_000));
    measure("logs: 6 attributes of every type", Signal.LOGS, richLogs(1_000));
    measure("logs: 10 integer attributes", Signal.LOGS, attributeLogs(1_000));
    measure("logs: a 1-character body only", Signal.LOGS, tinyLogs(1_000));
    measure("spans: 5 attributes", Signal.TRACES, spans(1_000));
    measure("sum points: 3 attributes", Signal.METRICS, points(1_000));
  }

  private static void measure(String name, Signal signal, TelemetryData<?> data)
      throws Exception {
    OtlpEncoder proto = new OtlpEncoder();
    proto.encode(data);
    measure(name + ", protobuf", signal, data, proto.toByteArray(),
        new OtlpDecoder(64 << 20, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH));
    OtlpJsonEncoder json = new OtlpJsonEncoder();
    json.encode(data);
    measure(name + ", JSON", signal, data, json.toByteArray(),
        new OtlpJsonDecoder(64 << 20, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH));
  }

  private static void measure(String name, Signal signal, TelemetryData<?> data, byte[] body,
      OtlpRequestDecoder decoder) throws Exception {
    int copies = Math.max(4, (64 << 20) / body.length / 6);
    for (int i = 0; i < 3; i++) {
      decoder.decode(signal, body); // warm up, so the measure holds no code or metadata
    }
    List<Object> kept = new ArrayList<>(copies);
    long before = usedAfterGc();
    for (int i = 0; i < copies; i++) {
      kept.add(decoder.decode(signal, body));
    }
    long after = usedAfterGc();
    double perRequest = (after - before) / (double) copies;
    System.out.printf("%-46s body %7d B, decoded %9.0f B: factor %5.2f, %5.0f B per item%n",
        name, body.length, perRequest, perRequest / body.length,
        perRequest / data.itemCount());
    kept.clear();
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static ScopeLogs scope(Logs logs) {
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "bench").putString("host.name", "h1");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("bench").setVersion("1.0");
    return sl;
  }

  /** What an application's log line looks like through an OTel SDK. */
  private static Logs shortLogs(int n) {
    Logs logs = new Logs();
    ScopeLogs sl = scope(logs);
    for (int i = 0; i < n; i++) {
      LogRecord r = sl.logRecords().appendEmpty()
          .setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setObservedTimeUnixNano(1_700_000_000_000_000_001L + i)
          .setSeverity(Severity.INFO).setSeverityText("INFO")
          .setBody(AnyValue.of("request " + i + " handled in " + (i % 97) + " ms by worker"))
          .setTraceId(TRACE_ID).setSpanId(SPAN_ID);
      r.attributes().putLong("seq", i).putString("http.route", "/api/v1/items/{id}")
          .putLong("http.response.status_code", 200);
    }
    return logs;
  }

  private static Logs richLogs(int n) {
    Logs logs = new Logs();
    ScopeLogs sl = scope(logs);
    for (int i = 0; i < n; i++) {
      LogRecord r = sl.logRecords().appendEmpty()
          .setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setSeverity(Severity.WARN).setSeverityText("WARN").setEventName("process.exec")
          .setBody(AnyValue.ofMap(Map.of("k", AnyValue.of("v"))))
          .setTraceId(TRACE_ID).setSpanId(SPAN_ID);
      r.attributes().putLong("seq", i).putString("s", "text ü").putBool("b", true)
          .putDouble("d", 2.5).put("bytes", AnyValue.ofBytes(new byte[] {0, 1, (byte) 0xFF}))
          .put("array", AnyValue.ofArray(List.of(AnyValue.of(1L), AnyValue.of("two"))));
    }
    return logs;
  }

  private static Logs attributeLogs(int n) {
    Logs logs = new Logs();
    ScopeLogs sl = scope(logs);
    for (int i = 0; i < n; i++) {
      LogRecord r = sl.logRecords().appendEmpty().setTimeUnixNano(1_700_000_000_000_000_000L + i);
      for (int a = 0; a < 10; a++) {
        r.attributes().putLong("k" + a, a);
      }
    }
    return logs;
  }

  private static Logs tinyLogs(int n) {
    Logs logs = new Logs();
    ScopeLogs sl = scope(logs);
    for (int i = 0; i < n; i++) {
      sl.logRecords().appendEmpty().setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setBody(AnyValue.of("x"));
    }
    return logs;
  }

  private static Traces spans(int n) {
    Traces traces = new Traces();
    ResourceSpans rs = traces.resourceSpans().appendEmpty();
    rs.resource().attributes().putString("service.name", "bench");
    ScopeSpans ss = rs.scopeSpans().appendEmpty();
    ss.scope().setName("io.opentelemetry.http");
    for (int i = 0; i < n; i++) {
      Span s = ss.spans().appendEmpty().setTraceId(TRACE_ID).setSpanId(SPAN_ID)
          .setParentSpanId(SPAN_ID).setName("GET /api/v1/items/{id}").setKind(SpanKind.SERVER)
          .setStartTimeUnixNano(10 + i).setEndTimeUnixNano(20 + i);
      s.attributes().putString("http.request.method", "GET")
          .putLong("http.response.status_code", 200).putString("url.path", "/api/v1/items/" + i)
          .putString("server.address", "items.example.com").putLong("server.port", 443);
    }
    return traces;
  }

  private static Metrics points(int n) {
    Metrics metrics = new Metrics();
    Metric m = metrics.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty().metrics()
        .appendEmpty().setName("http.server.requests").setUnit("1");
    var points = m.setSum(AggregationTemporality.CUMULATIVE, true);
    for (int i = 0; i < n; i++) {
      var p = points.appendEmpty();
      p.setStartTimeUnixNano(1);
      p.setTimeUnixNano(2 + i);
      p.setLongValue(i);
      p.attributes().putString("http.route", "/r" + i).putLong("code", 200)
          .putString("method", "GET");
    }
    return metrics;
  }
}
