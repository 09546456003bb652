package dev.tapio.plugin.file;

import com.google.protobuf.ByteString;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.Map;

/**
 * Test oracle: builds the official protobuf message for a pdata tree, field by field, with the
 * protobuf builders. The encoder's JSON, parsed by protobuf's JsonFormat, must equal it.
 */
final class PdataToProto {
  private PdataToProto() {}

  static ExportLogsServiceRequest logs(Logs logs) {
    var request = ExportLogsServiceRequest.newBuilder();
    for (ResourceLogs rl : logs.resourceLogs()) {
      var r = io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder()
          .setResource(resource(rl)).setSchemaUrl(rl.schemaUrl());
      for (ScopeLogs sl : rl.scopeLogs()) {
        var s = io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
            .setScope(scope(sl)).setSchemaUrl(sl.schemaUrl());
        for (LogRecord lr : sl.logRecords()) {
          var b = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
              .setTimeUnixNano(lr.timeUnixNano())
              .setObservedTimeUnixNano(lr.observedTimeUnixNano())
              .setSeverityNumber(SeverityNumber.forNumber(lr.severity().number()))
              .setSeverityText(lr.severityText())
              .addAllAttributes(attributes(lr.attributes()))
              .setDroppedAttributesCount(lr.droppedAttributesCount())
              .setFlags(lr.flags())
              .setTraceId(id(lr.traceId()))
              .setSpanId(id(lr.spanId()))
              .setEventName(lr.eventName());
          if (lr.bodyType() != dev.tapio.pdata.ValueType.EMPTY) {
            b.setBody(value(lr.body()));
          }
          s.addLogRecords(b);
        }
        r.addScopeLogs(s);
      }
      request.addResourceLogs(r);
    }
    return request.build();
  }

  static ExportTraceServiceRequest traces(Traces traces) {
    var request = ExportTraceServiceRequest.newBuilder();
    for (ResourceSpans rs : traces.resourceSpans()) {
      var r = io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
          .setResource(resource(rs)).setSchemaUrl(rs.schemaUrl());
      for (ScopeSpans ss : rs.scopeSpans()) {
        var s = io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
            .setScope(scope(ss)).setSchemaUrl(ss.schemaUrl());
        for (Span span : ss.spans()) {
          var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
              .setTraceId(id(span.traceId()))
              .setSpanId(id(span.spanId()))
              .setTraceState(span.traceState())
              .setParentSpanId(id(span.parentSpanId()))
              .setFlags(span.flags())
              .setName(span.name())
              .setKindValue(span.kind().ordinal())
              .setStartTimeUnixNano(span.startTimeUnixNano())
              .setEndTimeUnixNano(span.endTimeUnixNano())
              .addAllAttributes(attributes(span.attributes()))
              .setDroppedAttributesCount(span.droppedAttributesCount())
              .setDroppedEventsCount(span.droppedEventsCount())
              .setDroppedLinksCount(span.droppedLinksCount());
          for (SpanEvent e : span.events()) {
            b.addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                .setTimeUnixNano(e.timeUnixNano()).setName(e.name())
                .addAllAttributes(attributes(e.attributes()))
                .setDroppedAttributesCount(e.droppedAttributesCount()));
          }
          for (SpanLink l : span.links()) {
            b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
                .setTraceId(id(l.traceId())).setSpanId(id(l.spanId()))
                .setTraceState(l.traceState())
                .addAllAttributes(attributes(l.attributes()))
                .setDroppedAttributesCount(l.droppedAttributesCount())
                .setFlags(l.flags()));
          }
          if (span.statusCode().ordinal() != 0 || !span.statusMessage().isEmpty()) {
            b.setStatus(Status.newBuilder().setCodeValue(span.statusCode().ordinal())
                .setMessage(span.statusMessage()));
          }
          s.addSpans(b);
        }
        r.addScopeSpans(s);
      }
      request.addResourceSpans(r);
    }
    return request.build();
  }

  static ExportMetricsServiceRequest metrics(Metrics metrics) {
    var request = ExportMetricsServiceRequest.newBuilder();
    for (ResourceMetrics rm : metrics.resourceMetrics()) {
      var r = io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
          .setResource(resource(rm)).setSchemaUrl(rm.schemaUrl());
      for (ScopeMetrics sm : rm.scopeMetrics()) {
        var s = io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
            .setScope(scope(sm)).setSchemaUrl(sm.schemaUrl());
        for (Metric m : sm.metrics()) {
          s.addMetrics(metric(m));
        }
        r.addScopeMetrics(s);
      }
      request.addResourceMetrics(r);
    }
    return request.build();
  }

  private static io.opentelemetry.proto.metrics.v1.Metric metric(Metric m) {
    var b = io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
        .setName(m.name()).setDescription(m.description()).setUnit(m.unit());
    AggregationTemporality temporality =
        AggregationTemporality.forNumber(m.temporality().ordinal());
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE -> {
        var g = Gauge.newBuilder();
        m.numberPoints().forEach(p -> g.addDataPoints(number(p)));
        b.setGauge(g);
      }
      case SUM -> {
        var g = Sum.newBuilder().setAggregationTemporality(temporality)
            .setIsMonotonic(m.isMonotonic());
        m.numberPoints().forEach(p -> g.addDataPoints(number(p)));
        b.setSum(g);
      }
      case HISTOGRAM -> {
        var h = Histogram.newBuilder().setAggregationTemporality(temporality);
        for (HistogramDataPoint p : m.histogramPoints()) {
          var d = io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano()).setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags()).setCount(p.count());
          for (long c : p.bucketCounts()) {
            d.addBucketCounts(c);
          }
          for (double x : p.explicitBounds()) {
            d.addExplicitBounds(x);
          }
          if (!Double.isNaN(p.sum())) {
            d.setSum(p.sum());
          }
          if (!Double.isNaN(p.min())) {
            d.setMin(p.min());
          }
          if (!Double.isNaN(p.max())) {
            d.setMax(p.max());
          }
          h.addDataPoints(d);
        }
        b.setHistogram(h);
      }
      case EXPONENTIAL_HISTOGRAM -> {
        var h = ExponentialHistogram.newBuilder().setAggregationTemporality(temporality);
        for (ExponentialHistogramDataPoint p : m.exponentialHistogramPoints()) {
          var d = io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.newBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano()).setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags()).setCount(p.count()).setScale(p.scale())
              .setZeroCount(p.zeroCount()).setZeroThreshold(p.zeroThreshold());
          // Empty bucket ranges are left out, as the encoder does.
          if (p.positiveOffset() != 0 || p.positiveBucketCounts().length > 0) {
            var pos = d.getPositiveBuilder().setOffset(p.positiveOffset());
            for (long c : p.positiveBucketCounts()) {
              pos.addBucketCounts(c);
            }
          }
          if (p.negativeOffset() != 0 || p.negativeBucketCounts().length > 0) {
            var neg = d.getNegativeBuilder().setOffset(p.negativeOffset());
            for (long c : p.negativeBucketCounts()) {
              neg.addBucketCounts(c);
            }
          }
          if (!Double.isNaN(p.sum())) {
            d.setSum(p.sum());
          }
          if (!Double.isNaN(p.min())) {
            d.setMin(p.min());
          }
          if (!Double.isNaN(p.max())) {
            d.setMax(p.max());
          }
          h.addDataPoints(d);
        }
        b.setExponentialHistogram(h);
      }
      case SUMMARY -> {
        var h = Summary.newBuilder();
        for (SummaryDataPoint p : m.summaryPoints()) {
          var d = io.opentelemetry.proto.metrics.v1.SummaryDataPoint.newBuilder()
              .addAllAttributes(attributes(p.attributes()))
              .setStartTimeUnixNano(p.startTimeUnixNano()).setTimeUnixNano(p.timeUnixNano())
              .setFlags(p.flags()).setCount(p.count()).setSum(p.sum());
          for (int i = 0; i < p.quantiles().length; i++) {
            d.addQuantileValues(
                io.opentelemetry.proto.metrics.v1.SummaryDataPoint.ValueAtQuantile.newBuilder()
                    .setQuantile(p.quantiles()[i]).setValue(p.quantileValues()[i]));
          }
          h.addDataPoints(d);
        }
        b.setSummary(h);
      }
    }
    return b.build();
  }

  private static io.opentelemetry.proto.metrics.v1.NumberDataPoint number(NumberDataPoint p) {
    var d = io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
        .addAllAttributes(attributes(p.attributes()))
        .setStartTimeUnixNano(p.startTimeUnixNano()).setTimeUnixNano(p.timeUnixNano())
        .setFlags(p.flags());
    if (p.isDouble()) {
      d.setAsDouble(p.doubleValue());
    } else {
      d.setAsInt(p.longValue());
    }
    return d.build();
  }

  private static Resource resource(ResourceEntry<?> entry) {
    return Resource.newBuilder()
        .addAllAttributes(attributes(entry.resource().attributes()))
        .setDroppedAttributesCount(entry.resource().droppedAttributesCount())
        .build();
  }

  private static InstrumentationScope scope(ScopeEntry<?> entry) {
    var s = entry.scope();
    return InstrumentationScope.newBuilder()
        .setName(s.name()).setVersion(s.version())
        .addAllAttributes(attributes(s.attributes()))
        .setDroppedAttributesCount(s.droppedAttributesCount())
        .build();
  }

  private static java.util.List<KeyValue> attributes(Attributes attributes) {
    java.util.List<KeyValue> out = new java.util.ArrayList<>();
    for (int i = 0; i < attributes.size(); i++) {
      out.add(KeyValue.newBuilder().setKey(attributes.key(i))
          .setValue(value(attributes.valueAt(i))).build());
    }
    return out;
  }

  static io.opentelemetry.proto.common.v1.AnyValue value(AnyValue v) {
    var b = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
    switch (v.type()) {
      case EMPTY -> {}
      case STRING -> b.setStringValue(v.asString());
      case BOOL -> b.setBoolValue(v.asBool());
      case LONG -> b.setIntValue(v.asLong());
      case DOUBLE -> b.setDoubleValue(v.asDouble());
      case BYTES -> b.setBytesValue(ByteString.copyFrom(v.asBytes()));
      case ARRAY -> {
        var a = ArrayValue.newBuilder();
        v.asArray().forEach(x -> a.addValues(value(x)));
        b.setArrayValue(a);
      }
      case MAP -> {
        var kv = KeyValueList.newBuilder();
        for (Map.Entry<String, AnyValue> e : v.asMap().entrySet()) {
          kv.addValues(KeyValue.newBuilder().setKey(e.getKey()).setValue(value(e.getValue())));
        }
        b.setKvlistValue(kv);
      }
    }
    return b.build();
  }

  private static ByteString id(byte[] id) {
    for (byte x : id) {
      if (x != 0) {
        return ByteString.copyFrom(id);
      }
    }
    return ByteString.EMPTY;
  }
}
