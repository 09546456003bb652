package dev.tapio.otlp;

import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random pdata covering every field the codec maps: every attribute type (nested arrays and maps,
 * bytes, empty), every metric type, spans with events and links, default and non-default values.
 * Strings mix ASCII, two-, three- and four-byte UTF-8; no unpaired surrogates (protobuf-java
 * and this codec replace those differently, which a separate test covers).
 */
final class RandomTelemetry {
  private static final String[] PIECES = {
    "a", "process.pid", "k8s.pod.name", "é", "ü", "日本", "語", "\uD83D\uDE00", "x y", "/", "\u07FF",
    "\u0800", "\uFFFD"
  };

  private final Random random;
  /** How big the lists get: 1 for small fuzz seeds, larger for round-trip coverage. */
  private final int scale;

  RandomTelemetry(long seed, int scale) {
    this.random = new Random(seed);
    this.scale = scale;
  }

  Logs logs() {
    Logs logs = new Logs();
    for (int i = 0, n = count(2); i < n; i++) {
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      resource(rl);
      for (int j = 0, m = count(2); j < m; j++) {
        ScopeLogs sl = rl.scopeLogs().appendEmpty();
        scope(sl);
        for (int k = 0, r = count(4); k < r; k++) {
          logRecord(sl.logRecords().appendEmpty());
        }
      }
    }
    return logs;
  }

  Metrics metrics() {
    Metrics metrics = new Metrics();
    for (int i = 0, n = count(2); i < n; i++) {
      ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
      resource(rm);
      for (int j = 0, m = count(2); j < m; j++) {
        ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
        scope(sm);
        for (int k = 0, r = count(6); k < r; k++) {
          metric(sm.metrics().appendEmpty());
        }
      }
    }
    return metrics;
  }

  Traces traces() {
    Traces traces = new Traces();
    for (int i = 0, n = count(2); i < n; i++) {
      ResourceSpans rs = traces.resourceSpans().appendEmpty();
      resource(rs);
      for (int j = 0, m = count(2); j < m; j++) {
        ScopeSpans ss = rs.scopeSpans().appendEmpty();
        scope(ss);
        for (int k = 0, r = count(4); k < r; k++) {
          span(ss.spans().appendEmpty());
        }
      }
    }
    return traces;
  }

  private int count(int max) {
    return random.nextInt(max * scale + 1);
  }

  private void resource(ResourceEntry<?> entry) {
    attributes(entry.resource().attributes(), count(3));
    entry.resource().setDroppedAttributesCount(maybe(random.nextInt(5)));
    entry.setSchemaUrl(maybe() ? "https://opentelemetry.io/schemas/1.26.0" : "");
  }

  private void scope(ScopeEntry<?> entry) {
    entry.scope().setName(string()).setVersion(maybe() ? "1.2.3" : "");
    attributes(entry.scope().attributes(), count(2));
    entry.scope().setDroppedAttributesCount(maybe(random.nextInt(3)));
    entry.setSchemaUrl(maybe() ? string() : "");
  }

  private void logRecord(LogRecord r) {
    r.setTimeUnixNano(maybe(random.nextLong()))
        .setObservedTimeUnixNano(maybe(random.nextLong()))
        .setSeverity(Severity.values()[random.nextInt(Severity.values().length)])
        .setSeverityText(maybe() ? "INFO" : "")
        .setEventName(maybe() ? "process.exec" : "")
        .setDroppedAttributesCount(maybe(random.nextInt(1000)))
        .setFlags(maybe(random.nextInt()));
    switch (random.nextInt(3)) {
      case 0 -> r.setBody(string());
      case 1 -> r.setBody(value(2));
      default -> {}
    }
    if (maybe()) {
      r.setTraceId(bytes(16));
    }
    if (maybe()) {
      r.setSpanId(bytes(8));
    }
    attributes(r.attributes(), count(5));
  }

  private void metric(Metric m) {
    m.setName(string()).setDescription(maybe() ? string() : "").setUnit(maybe() ? "ms" : "");
    AggregationTemporality[] temporalities = AggregationTemporality.values();
    switch (random.nextInt(6)) {
      case 0 -> {
        PList<NumberDataPoint> points = m.setGauge();
        for (int i = 0, n = count(3); i < n; i++) {
          numberPoint(points.appendEmpty());
        }
      }
      case 1 -> {
        PList<NumberDataPoint> points = m.setSum(
            temporalities[random.nextInt(temporalities.length)], random.nextBoolean());
        for (int i = 0, n = count(3); i < n; i++) {
          numberPoint(points.appendEmpty());
        }
      }
      case 2 -> {
        PList<HistogramDataPoint> points =
            m.setHistogram(temporalities[random.nextInt(temporalities.length)]);
        for (int i = 0, n = count(3); i < n; i++) {
          histogramPoint(points.appendEmpty());
        }
      }
      case 3 -> {
        PList<ExponentialHistogramDataPoint> points =
            m.setExponentialHistogram(temporalities[random.nextInt(temporalities.length)]);
        for (int i = 0, n = count(3); i < n; i++) {
          exponentialPoint(points.appendEmpty());
        }
      }
      case 4 -> {
        PList<SummaryDataPoint> points = m.setSummary();
        for (int i = 0, n = count(3); i < n; i++) {
          summaryPoint(points.appendEmpty());
        }
      }
      default -> {} // no data: an EMPTY metric
    }
  }

  private void numberPoint(NumberDataPoint p) {
    pointBase(p.attributes());
    p.setStartTimeUnixNano(maybe(random.nextLong()));
    p.setTimeUnixNano(maybe(random.nextLong()));
    p.setFlags(maybe(1));
    if (random.nextBoolean()) {
      p.setDoubleValue(maybe() ? 0.0 : random.nextGaussian() * 1e6);
    } else {
      p.setLongValue(maybe(random.nextLong()));
    }
  }

  private void histogramPoint(HistogramDataPoint p) {
    pointBase(p.attributes());
    p.setStartTimeUnixNano(maybe(random.nextLong()));
    p.setTimeUnixNano(maybe(random.nextLong()));
    p.setFlags(maybe(1));
    p.setCount(maybe(random.nextLong() & Long.MAX_VALUE));
    if (maybe()) {
      p.setSum(random.nextBoolean() ? 0.0 : random.nextDouble() * 1000);
    }
    if (maybe()) {
      p.setMin(random.nextDouble());
    }
    if (maybe()) {
      p.setMax(-0.0);
    }
    if (maybe()) {
      int bounds = random.nextInt(6);
      double[] b = new double[bounds];
      long[] c = new long[bounds + 1];
      for (int i = 0; i < bounds; i++) {
        b[i] = i * 2.5 - 1;
      }
      for (int i = 0; i <= bounds; i++) {
        c[i] = random.nextInt(100);
      }
      p.setBuckets(b, c);
    }
  }

  private void exponentialPoint(ExponentialHistogramDataPoint p) {
    pointBase(p.attributes());
    p.setStartTimeUnixNano(maybe(random.nextLong()));
    p.setTimeUnixNano(maybe(random.nextLong()));
    p.setFlags(maybe(1));
    p.setCount(maybe(random.nextLong() & Long.MAX_VALUE));
    if (maybe()) {
      p.setSum(random.nextDouble());
    }
    if (maybe()) {
      p.setMin(random.nextDouble());
    }
    if (maybe()) {
      p.setMax(random.nextDouble());
    }
    p.setScale(maybe(random.nextInt(41) - 20));
    p.setZeroCount(maybe(random.nextLong() & 0xFFFF));
    p.setZeroThreshold(maybe() ? 1e-9 : 0);
    if (maybe()) {
      p.setPositive(random.nextInt(21) - 10, counts());
    }
    if (maybe()) {
      p.setNegative(random.nextInt(21) - 10, counts());
    }
  }

  private long[] counts() {
    long[] counts = new long[random.nextInt(6)];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(1000);
    }
    return counts;
  }

  private void summaryPoint(SummaryDataPoint p) {
    pointBase(p.attributes());
    p.setStartTimeUnixNano(maybe(random.nextLong()));
    p.setTimeUnixNano(maybe(random.nextLong()));
    p.setFlags(maybe(1));
    p.setCount(maybe(random.nextInt(1000)));
    p.setSum(maybe() ? 0 : random.nextDouble() * 100);
    int n = random.nextInt(4);
    double[] q = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = i == 0 ? 0.0 : i / (double) n;
      v[i] = random.nextBoolean() ? 0.0 : random.nextDouble();
    }
    p.setQuantileValues(q, v);
  }

  private void pointBase(Attributes a) {
    attributes(a, count(2));
  }

  private void span(Span s) {
    if (maybe()) {
      s.setTraceId(bytes(16));
    }
    if (maybe()) {
      s.setSpanId(bytes(8));
    }
    if (maybe()) {
      s.setParentSpanId(bytes(8));
    }
    s.setTraceState(maybe() ? "rojo=00f067aa0ba902b7" : "")
        .setFlags(maybe(random.nextInt()))
        .setName(string())
        .setKind(SpanKind.values()[random.nextInt(SpanKind.values().length)])
        .setStartTimeUnixNano(maybe(random.nextLong()))
        .setEndTimeUnixNano(maybe(random.nextLong()))
        .setDroppedAttributesCount(maybe(random.nextInt(9)))
        .setDroppedEventsCount(maybe(random.nextInt(9)))
        .setDroppedLinksCount(maybe(random.nextInt(9)));
    attributes(s.attributes(), count(4));
    for (int i = 0, n = count(2); i < n; i++) {
      SpanEvent e = s.events().appendEmpty();
      e.setTimeUnixNano(maybe(random.nextLong())).setName(maybe() ? string() : "")
          .setDroppedAttributesCount(maybe(3));
      attributes(e.attributes(), count(2));
    }
    for (int i = 0, n = count(2); i < n; i++) {
      SpanLink l = s.links().appendEmpty();
      if (maybe()) {
        l.setTraceId(bytes(16));
      }
      if (maybe()) {
        l.setSpanId(bytes(8));
      }
      l.setTraceState(maybe() ? "a=b" : "").setFlags(maybe(random.nextInt()))
          .setDroppedAttributesCount(maybe(2));
      attributes(l.attributes(), count(2));
    }
    StatusCode code = StatusCode.values()[random.nextInt(StatusCode.values().length)];
    s.setStatus(code, maybe() ? string() : "");
  }

  void attributes(Attributes a, int n) {
    for (int i = 0; i < n; i++) {
      String key = "k" + i + (maybe() ? string() : "");
      switch (random.nextInt(9)) {
        case 0 -> a.putString(key, maybe() ? "" : string());
        case 1 -> a.putBool(key, random.nextBoolean());
        case 2 -> a.putLong(key, random.nextBoolean() ? random.nextInt(100) : random.nextLong());
        case 3 -> a.putDouble(key, special());
        default -> a.put(key, value(3));
      }
    }
  }

  private double special() {
    return switch (random.nextInt(6)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> Double.NaN;
      case 3 -> Double.NEGATIVE_INFINITY;
      default -> random.nextGaussian();
    };
  }

  /** Any AnyValue, nesting arrays and maps up to {@code depth}. */
  AnyValue value(int depth) {
    int kinds = depth > 0 ? 8 : 6;
    return switch (random.nextInt(kinds)) {
      case 0 -> AnyValue.EMPTY;
      case 1 -> AnyValue.of(string());
      case 2 -> AnyValue.of(random.nextBoolean());
      case 3 -> AnyValue.of(random.nextLong());
      case 4 -> AnyValue.of(special());
      case 5 -> AnyValue.ofBytes(bytes(random.nextInt(20)));
      case 6 -> {
        List<AnyValue> values = new ArrayList<>();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
          values.add(value(depth - 1));
        }
        yield AnyValue.ofArray(values);
      }
      default -> {
        Map<String, AnyValue> values = new LinkedHashMap<>();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
          values.put("m" + i + string(), value(depth - 1));
        }
        yield AnyValue.ofMap(values);
      }
    };
  }

  String string() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, n = random.nextInt(4); i < n; i++) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    if (random.nextInt(20) == 0) {
      sb.append("x".repeat(200)); // a length prefix of two bytes
    }
    return sb.toString();
  }

  byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    if (n > 0 && b[0] == 0) {
      b[0] = 1; // ids must not be all zero, which means absent
    }
    return b;
  }

  private boolean maybe() {
    return random.nextBoolean();
  }

  private long maybe(long value) {
    return random.nextBoolean() ? value : 0;
  }

  private int maybe(int value) {
    return random.nextBoolean() ? value : 0;
  }
}
