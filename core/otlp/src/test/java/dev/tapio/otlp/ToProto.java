package dev.tapio.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.ValueType;
import java.util.List;
import java.util.Map;

/**
 * Builds the official opentelemetry-proto message for pdata with the protobuf builders, field by
 * field from the pdata getters: the independent reference both codec directions are checked
 * against. Presence follows OTLP conventions: all-zero ids, a NaN optional double and an unset
 * status with no message are absent; resource and scope are always present. Shared with other
 * modules' tests through this module's test jar.
 */
public final class ToProto {
  private ToProto() {}

  public static ExportLogsServiceRequest logs(dev.tapio.pdata.Logs logs) {
    ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
    for (dev.tapio.pdata.ResourceLogs rl : logs.resourceLogs()) {
      ResourceLogs.Builder b = req.addResourceLogsBuilder()
          .setResource(resource(rl.resource())).setSchemaUrl(rl.schemaUrl());
      for (dev.tapio.pdata.ScopeLogs sl : rl.scopeLogs()) {
        ScopeLogs.Builder s = b.addScopeLogsBuilder()
            .setScope(scope(sl.scope())).setSchemaUrl(sl.schemaUrl());
        for (dev.tapio.pdata.LogRecord r : sl.logRecords()) {
          LogRecord.Builder lr = s.addLogRecordsBuilder()
              .setTimeUnixNano(r.timeUnixNano())
              .setObservedTimeUnixNano(r.observedTimeUnixNano())
              .setSeverityNumberValue(r.severity().number())
              .setSeverityText(r.severityText())
              .addAllAttributes(attributes(r.attributes()))
              .setDroppedAttributesCount(r.droppedAttributesCount())
              .setFlags(r.flags())
              .setEventName(r.eventName());
          if (r.bodyType() != ValueType.EMPTY) {
            lr.setBody(value(r.body()));
          }
          if (!zero(r.traceId())) {
            lr.setTraceId(ByteString.copyFrom(r.traceId()));
          }
          if (!zero(r.spanId())) {
            lr.setSpanId(ByteString.copyFrom(r.spanId()));
          }
        }
      }
    }
    return req.build();
  }

  public static ExportMetricsServiceRequest metrics(dev.tapio.pdata.Metrics metrics) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (dev.tapio.pdata.ResourceMetrics rm : metrics.resourceMetrics()) {
      ResourceMetrics.Builder b = req.addResourceMetricsBuilder()
          .setResource(resource(rm.resource())).setSchemaUrl(rm.schemaUrl());
      for (dev.tapio.pdata.ScopeMetrics sm : rm.scopeMetrics()) {
        ScopeMetrics.Builder s = b.addScopeMetricsBuilder()
            .setScope(scope(sm.scope())).setSchemaUrl(sm.schemaUrl());
        for (dev.tapio.pdata.Metric m : sm.metrics()) {
          s.addMetrics(metric(m));
        }
      }
    }
    return req.build();
  }

  private static Metric metric(dev.tapio.pdata.Metric m) {
    Metric.Builder b = Metric.newBuilder()
        .setName(m.name()).setDescription(m.description()).setUnit(m.unit());
    int temporality = m.temporality().ordinal();
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE -> {
        Gauge.Builder g = Gauge.newBuilder();
        m.numberPoints().forEach(p -> g.addDataPoints(numberPoint(p)));
        b.setGauge(g);
      }
      case SUM -> {
        Sum.Builder s = Sum.newBuilder()
            .setAggregationTemporalityValue(temporality).setIsMonotonic(m.isMonotonic());
        m.numberPoints().forEach(p -> s.addDataPoints(numberPoint(p)));
        b.setSum(s);
      }
      case HISTOGRAM -> {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporalityValue(temporality);
        for (dev.tapio.pdata.HistogramDataPoint p : m.histogramPoints()) {
          HistogramDataPoint.Builder hp = h.addDataPointsBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano())
              .setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags())
              .setCount(p.count());
          for (long c : p.bucketCounts()) {
            hp.addBucketCounts(c);
          }
          for (double d : p.explicitBounds()) {
            hp.addExplicitBounds(d);
          }
          if (!Double.isNaN(p.sum())) {
            hp.setSum(p.sum());
          }
          if (!Double.isNaN(p.min())) {
            hp.setMin(p.min());
          }
          if (!Double.isNaN(p.max())) {
            hp.setMax(p.max());
          }
        }
        b.setHistogram(h);
      }
      case EXPONENTIAL_HISTOGRAM -> {
        ExponentialHistogram.Builder h =
            ExponentialHistogram.newBuilder().setAggregationTemporalityValue(temporality);
        for (dev.tapio.pdata.ExponentialHistogramDataPoint p : m.exponentialHistogramPoints()) {
          ExponentialHistogramDataPoint.Builder ep = h.addDataPointsBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano())
              .setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags())
              .setCount(p.count())
              .setScale(p.scale())
              .setZeroCount(p.zeroCount())
              .setZeroThreshold(p.zeroThreshold());
          if (!Double.isNaN(p.sum())) {
            ep.setSum(p.sum());
          }
          if (!Double.isNaN(p.min())) {
            ep.setMin(p.min());
          }
          if (!Double.isNaN(p.max())) {
            ep.setMax(p.max());
          }
          if (p.positiveOffset() != 0 || p.positiveBucketCounts().length > 0) {
            ep.setPositive(buckets(p.positiveOffset(), p.positiveBucketCounts()));
          }
          if (p.negativeOffset() != 0 || p.negativeBucketCounts().length > 0) {
            ep.setNegative(buckets(p.negativeOffset(), p.negativeBucketCounts()));
          }
        }
        b.setExponentialHistogram(h);
      }
      case SUMMARY -> {
        Summary.Builder s = Summary.newBuilder();
        for (dev.tapio.pdata.SummaryDataPoint p : m.summaryPoints()) {
          SummaryDataPoint.Builder sp = s.addDataPointsBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano())
              .setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags())
              .setCount(p.count())
              .setSum(p.sum());
          for (int i = 0; i < p.quantiles().length; i++) {
            sp.addQuantileValuesBuilder()
                .setQuantile(p.quantiles()[i]).setValue(p.quantileValues()[i]);
          }
        }
        b.setSummary(s);
      }
    }
    return b.build();
  }

  private static ExponentialHistogramDataPoint.Buckets buckets(int offset, long[] counts) {
    ExponentialHistogramDataPoint.Buckets.Builder b =
        ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
    for (long c : counts) {
      b.addBucketCounts(c);
    }
    return b.build();
  }

  private static NumberDataPoint numberPoint(dev.tapio.pdata.NumberDataPoint p) {
    NumberDataPoint.Builder b = NumberDataPoint.newBuilder()
        .addAllAttributes(attributes(p.attributes()))
        .setStartTimeUnixNano(p.startTimeUnixNano())
        .setTimeUnixNano(p.timeUnixNano())
        .setFlags(p.flags());
    if (p.isDouble()) {
      b.setAsDouble(p.doubleValue());
    } else {
      b.setAsInt(p.longValue());
    }
    return b.build();
  }

  public static ExportTraceServiceRequest traces(dev.tapio.pdata.Traces traces) {
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (dev.tapio.pdata.ResourceSpans rs : traces.resourceSpans()) {
      ResourceSpans.Builder b = req.addResourceSpansBuilder()
          .setResource(resource(rs.resource())).setSchemaUrl(rs.schemaUrl());
      for (dev.tapio.pdata.ScopeSpans ss : rs.scopeSpans()) {
        ScopeSpans.Builder s = b.addScopeSpansBuilder()
            .setScope(scope(ss.scope())).setSchemaUrl(ss.schemaUrl());
        for (dev.tapio.pdata.Span span : ss.spans()) {
          s.addSpans(span(span));
        }
      }
    }
    return req.build();
  }

  private static Span span(dev.tapio.pdata.Span s) {
    Span.Builder b = Span.newBuilder()
        .setTraceState(s.traceState())
        .setFlags(s.flags())
        .setName(s.name())
        .setKindValue(s.kind().ordinal())
        .setStartTimeUnixNano(s.startTimeUnixNano())
        .setEndTimeUnixNano(s.endTimeUnixNano())
        .addAllAttributes(attributes(s.attributes()))
        .setDroppedAttributesCount(s.droppedAttributesCount())
        .setDroppedEventsCount(s.droppedEventsCount())
        .setDroppedLinksCount(s.droppedLinksCount());
    if (!zero(s.traceId())) {
      b.setTraceId(ByteString.copyFrom(s.traceId()));
    }
    if (!zero(s.spanId())) {
      b.setSpanId(ByteString.copyFrom(s.spanId()));
    }
    if (!zero(s.parentSpanId())) {
      b.setParentSpanId(ByteString.copyFrom(s.parentSpanId()));
    }
    for (dev.tapio.pdata.SpanEvent e : s.events()) {
      b.addEventsBuilder()
          .setTimeUnixNano(e.timeUnixNano())
          .setName(e.name())
          .addAllAttributes(attributes(e.attributes()))
          .setDroppedAttributesCount(e.droppedAttributesCount());
    }
    for (dev.tapio.pdata.SpanLink l : s.links()) {
      Span.Link.Builder lb = b.addLinksBuilder()
          .setTraceState(l.traceState())
          .addAllAttributes(attributes(l.attributes()))
          .setDroppedAttributesCount(l.droppedAttributesCount())
          .setFlags(l.flags());
      if (!zero(l.traceId())) {
        lb.setTraceId(ByteString.copyFrom(l.traceId()));
      }
      if (!zero(l.spanId())) {
        lb.setSpanId(ByteString.copyFrom(l.spanId()));
      }
    }
    if (s.statusCode() != StatusCode.UNSET || !s.statusMessage().isEmpty()) {
      b.setStatus(Status.newBuilder()
          .setCodeValue(s.statusCode().ordinal()).setMessage(s.statusMessage()));
    }
    return b.build();
  }

  static Resource resource(dev.tapio.pdata.Resource r) {
    return Resource.newBuilder()
        .addAllAttributes(attributes(r.attributes()))
        .setDroppedAttributesCount(r.droppedAttributesCount())
        .build();
  }

  static InstrumentationScope scope(dev.tapio.pdata.Scope s) {
    return InstrumentationScope.newBuilder()
        .setName(s.name())
        .setVersion(s.version())
        .addAllAttributes(attributes(s.attributes()))
        .setDroppedAttributesCount(s.droppedAttributesCount())
        .build();
  }

  static List<KeyValue> attributes(Attributes a) {
    KeyValue[] kvs = new KeyValue[a.size()];
    for (int i = 0; i < a.size(); i++) {
      kvs[i] = KeyValue.newBuilder().setKey(a.key(i)).setValue(value(a.valueAt(i))).build();
    }
    return List.of(kvs);
  }

  static AnyValue value(dev.tapio.pdata.AnyValue v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    switch (v.type()) {
      case EMPTY -> {}
      case STRING -> b.setStringValue(v.asString());
      case BOOL -> b.setBoolValue(v.asBool());
      case LONG -> b.setIntValue(v.asLong());
      case DOUBLE -> b.setDoubleValue(v.asDouble());
      case BYTES -> b.setBytesValue(ByteString.copyFrom(v.asBytes()));
      case ARRAY -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        v.asArray().forEach(e -> a.addValues(value(e)));
        b.setArrayValue(a);
      }
      case MAP -> {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        for (Map.Entry<String, dev.tapio.pdata.AnyValue> e : v.asMap().entrySet()) {
          l.addValues(KeyValue.newBuilder().setKey(e.getKey()).setValue(value(e.getValue())));
        }
        b.setKvlistValue(l);
      }
    }
    return b.build();
  }

  static boolean zero(byte[] id) {
    for (byte x : id) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
