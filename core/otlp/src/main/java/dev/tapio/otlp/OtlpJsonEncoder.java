package dev.tapio.otlp;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.Resource;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.Scope;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes pdata as the OTLP JSON encoding of {@code Export{Logs,Metrics,Trace}ServiceRequest}
 * (opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys, trace and span
 * ids in lowercase hex, enums as numbers, 64-bit integers as decimal strings, fields at their
 * default value left out, one line (no newline inside). Streams straight from the pdata tree as
 * UTF-8 into a reused {@code byte[]}: no intermediate objects, primitive attribute values are
 * never boxed, and nothing is allocated per record once the buffer has grown to the largest
 * request seen (map values are iterated through the map's view).
 *
 * <p>{@link OtlpJsonDecoder} reads this back; the official JsonFormat parser does too once the
 * hex ids are turned into base64 (proto3 JSON's {@code bytes} encoding, from which OTLP departs).
 *
 * <p>Not thread-safe: keep one instance per thread or use it under the owner's lock; the bytes of
 * the last request stay in {@link #buffer()} until the next call.
 */
public final class OtlpJsonEncoder implements OtlpRequestEncoder {
  private final JsonWriter w = new JsonWriter();

  public OtlpJsonEncoder() {}

  /**
   * Encodes {@code data} as its signal's export request into {@link #buffer()}; returns the
   * number of bytes. {@code data} is only read.
   *
   * @throws IllegalArgumentException when the document would exceed 2 GiB
   */
  public int encode(TelemetryData<?> data) {
    w.reset();
    switch (data) {
      case Logs logs -> writeLogs(logs);
      case Metrics metrics -> writeMetrics(metrics);
      case Traces traces -> writeTraces(traces);
    }
    return w.length();
  }

  /** Encodes {@code data} and writes the document to {@code out} in one {@code write} call. */
  public void encode(TelemetryData<?> data, OutputStream out) throws IOException {
    int n = encode(data);
    out.write(w.buffer(), 0, n);
  }

  /** The internal buffer; the last request is its first {@link #length()} bytes. */
  public byte[] buffer() {
    return w.buffer();
  }

  /** The length of the last request encoded. */
  public int length() {
    return w.length();
  }

  /** A copy of the last request encoded. */
  public byte[] toByteArray() {
    return Arrays.copyOf(w.buffer(), w.length());
  }

  /** Appends one {@code ExportLogsServiceRequest} object. */
  private void writeLogs(Logs logs) {
    w.beginObject().name("resourceLogs").beginArray();
    PList<ResourceLogs> resources = logs.resourceLogs();
    for (int i = 0; i < resources.size(); i++) {
      ResourceLogs rl = resources.get(i);
      beginResource(rl);
      w.name("scopeLogs").beginArray();
      PList<ScopeLogs> scopes = rl.scopeLogs();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeLogs sl = scopes.get(j);
        beginScope(sl);
        w.name("logRecords").beginArray();
        PList<LogRecord> records = sl.logRecords();
        for (int k = 0; k < records.size(); k++) {
          writeLogRecord(records.get(k));
        }
        w.endArray();
        endScope(sl);
      }
      w.endArray();
      endResource(rl);
    }
    w.endArray().endObject();
  }

  /** Appends one {@code ExportMetricsServiceRequest} object. */
  private void writeMetrics(Metrics metrics) {
    w.beginObject().name("resourceMetrics").beginArray();
    PList<ResourceMetrics> resources = metrics.resourceMetrics();
    for (int i = 0; i < resources.size(); i++) {
      ResourceMetrics rm = resources.get(i);
      beginResource(rm);
      w.name("scopeMetrics").beginArray();
      PList<ScopeMetrics> scopes = rm.scopeMetrics();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeMetrics sm = scopes.get(j);
        beginScope(sm);
        w.name("metrics").beginArray();
        PList<Metric> list = sm.metrics();
        for (int k = 0; k < list.size(); k++) {
          writeMetric(list.get(k));
        }
        w.endArray();
        endScope(sm);
      }
      w.endArray();
      endResource(rm);
    }
    w.endArray().endObject();
  }

  /** Appends one {@code ExportTraceServiceRequest} object. */
  private void writeTraces(Traces traces) {
    w.beginObject().name("resourceSpans").beginArray();
    PList<ResourceSpans> resources = traces.resourceSpans();
    for (int i = 0; i < resources.size(); i++) {
      ResourceSpans rs = resources.get(i);
      beginResource(rs);
      w.name("scopeSpans").beginArray();
      PList<ScopeSpans> scopes = rs.scopeSpans();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeSpans ss = scopes.get(j);
        beginScope(ss);
        w.name("spans").beginArray();
        PList<Span> spans = ss.spans();
        for (int k = 0; k < spans.size(); k++) {
          writeSpan(spans.get(k));
        }
        w.endArray();
        endScope(ss);
      }
      w.endArray();
      endResource(rs);
    }
    w.endArray().endObject();
  }

  private void beginResource(ResourceEntry<?> entry) {
    w.beginObject();
    Resource resource = entry.resource();
    w.name("resource").beginObject();
    writeAttributes("attributes", resource.attributes());
    w.unsignedIntField("droppedAttributesCount", resource.droppedAttributesCount());
    w.endObject();
  }

  private void endResource(ResourceEntry<?> entry) {
    w.stringField("schemaUrl", entry.schemaUrl());
    w.endObject();
  }

  private void beginScope(ScopeEntry<?> entry) {
    w.beginObject();
    Scope scope = entry.scope();
    w.name("scope").beginObject();
    w.stringField("name", scope.name());
    w.stringField("version", scope.version());
    writeAttributes("attributes", scope.attributes());
    w.unsignedIntField("droppedAttributesCount", scope.droppedAttributesCount());
    w.endObject();
  }

  private void endScope(ScopeEntry<?> entry) {
    w.stringField("schemaUrl", entry.schemaUrl());
    w.endObject();
  }

  private void writeLogRecord(LogRecord r) {
    w.beginObject();
    w.unsignedLongField("timeUnixNano", r.timeUnixNano());
    w.unsignedLongField("observedTimeUnixNano", r.observedTimeUnixNano());
    w.intField("severityNumber", r.severity().number());
    w.stringField("severityText", r.severityText());
    ValueType bodyType = r.bodyType();
    if (bodyType == ValueType.STRING) {
      // Avoids the AnyValue a string body would otherwise be turned into.
      w.name("body").beginObject().name("stringValue").value(r.bodyString()).endObject();
    } else if (bodyType != ValueType.EMPTY) {
      w.name("body");
      writeAnyValue(r.body());
    }
    writeAttributes("attributes", r.attributes());
    w.unsignedIntField("droppedAttributesCount", r.droppedAttributesCount());
    w.unsignedIntField("flags", r.flags());
    w.idField("traceId", r.traceId());
    w.idField("spanId", r.spanId());
    w.stringField("eventName", r.eventName());
    w.endObject();
  }

  private void writeSpan(Span s) {
    w.beginObject();
    w.idField("traceId", s.traceId());
    w.idField("spanId", s.spanId());
    w.stringField("traceState", s.traceState());
    w.idField("parentSpanId", s.parentSpanId());
    w.unsignedIntField("flags", s.flags());
    w.stringField("name", s.name());
    w.intField("kind", s.kind().ordinal());
    w.unsignedLongField("startTimeUnixNano", s.startTimeUnixNano());
    w.unsignedLongField("endTimeUnixNano", s.endTimeUnixNano());
    writeAttributes("attributes", s.attributes());
    w.unsignedIntField("droppedAttributesCount", s.droppedAttributesCount());
    PList<SpanEvent> events = s.events();
    if (!events.isEmpty()) {
      w.name("events").beginArray();
      for (int i = 0; i < events.size(); i++) {
        SpanEvent e = events.get(i);
        w.beginObject();
        w.unsignedLongField("timeUnixNano", e.timeUnixNano());
        w.stringField("name", e.name());
        writeAttributes("attributes", e.attributes());
        w.unsignedIntField("droppedAttributesCount", e.droppedAttributesCount());
        w.endObject();
      }
      w.endArray();
    }
    w.unsignedIntField("droppedEventsCount", s.droppedEventsCount());
    PList<SpanLink> links = s.links();
    if (!links.isEmpty()) {
      w.name("links").beginArray();
      for (int i = 0; i < links.size(); i++) {
        SpanLink l = links.get(i);
        w.beginObject();
        w.idField("traceId", l.traceId());
        w.idField("spanId", l.spanId());
        w.stringField("traceState", l.traceState());
        writeAttributes("attributes", l.attributes());
        w.unsignedIntField("droppedAttributesCount", l.droppedAttributesCount());
        w.unsignedIntField("flags", l.flags());
        w.endObject();
      }
      w.endArray();
    }
    w.unsignedIntField("droppedLinksCount", s.droppedLinksCount());
    if (!s.statusMessage().isEmpty() || s.statusCode().ordinal() != 0) {
      w.name("status").beginObject();
      w.stringField("message", s.statusMessage());
      w.intField("code", s.statusCode().ordinal());
      w.endObject();
    }
    w.endObject();
  }

  private void writeMetric(Metric m) {
    w.beginObject();
    w.stringField("name", m.name());
    w.stringField("description", m.description());
    w.stringField("unit", m.unit());
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE -> {
        w.name("gauge").beginObject();
        writeNumberPoints(m.numberPoints());
        w.endObject();
      }
      case SUM -> {
        w.name("sum").beginObject();
        writeNumberPoints(m.numberPoints());
        w.intField("aggregationTemporality", m.temporality().ordinal());
        if (m.isMonotonic()) {
          w.name("isMonotonic").value(true);
        }
        w.endObject();
      }
      case HISTOGRAM -> {
        w.name("histogram").beginObject();
        writeHistogramPoints(m.histogramPoints());
        w.intField("aggregationTemporality", m.temporality().ordinal());
        w.endObject();
      }
      case EXPONENTIAL_HISTOGRAM -> {
        w.name("exponentialHistogram").beginObject();
        writeExponentialPoints(m.exponentialHistogramPoints());
        w.intField("aggregationTemporality", m.temporality().ordinal());
        w.endObject();
      }
      case SUMMARY -> {
        w.name("summary").beginObject();
        writeSummaryPoints(m.summaryPoints());
        w.endObject();
      }
    }
    w.endObject();
  }

  private void beginPoint(DataPoint p) {
    w.beginObject();
    writeAttributes("attributes", p.attributes());
    w.unsignedLongField("startTimeUnixNano", p.startTimeUnixNano());
    w.unsignedLongField("timeUnixNano", p.timeUnixNano());
    w.unsignedIntField("flags", p.flags());
  }

  private void writeNumberPoints(PList<NumberDataPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    w.name("dataPoints").beginArray();
    for (int i = 0; i < points.size(); i++) {
      NumberDataPoint p = points.get(i);
      beginPoint(p);
      // A oneof member is written even at its default value: it says which member is set.
      if (p.isDouble()) {
        w.name("asDouble").value(p.doubleValue());
      } else {
        w.name("asInt").quotedValue(p.longValue());
      }
      w.endObject();
    }
    w.endArray();
  }

  private void writeHistogramPoints(PList<HistogramDataPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    w.name("dataPoints").beginArray();
    for (int i = 0; i < points.size(); i++) {
      HistogramDataPoint p = points.get(i);
      beginPoint(p);
      w.unsignedLongField("count", p.count());
      writeOptional("sum", p.sum());
      writeCounts("bucketCounts", p.bucketCounts());
      double[] bounds = p.explicitBounds();
      if (bounds.length > 0) {
        w.name("explicitBounds").beginArray();
        for (double b : bounds) {
          w.value(b);
        }
        w.endArray();
      }
      writeOptional("min", p.min());
      writeOptional("max", p.max());
      w.endObject();
    }
    w.endArray();
  }

  private void writeExponentialPoints(PList<ExponentialHistogramDataPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    w.name("dataPoints").beginArray();
    for (int i = 0; i < points.size(); i++) {
      ExponentialHistogramDataPoint p = points.get(i);
      beginPoint(p);
      w.unsignedLongField("count", p.count());
      writeOptional("sum", p.sum());
      w.intField("scale", p.scale());
      w.unsignedLongField("zeroCount", p.zeroCount());
      writeBuckets("positive", p.positiveOffset(), p.positiveBucketCounts());
      writeBuckets("negative", p.negativeOffset(), p.negativeBucketCounts());
      writeOptional("min", p.min());
      writeOptional("max", p.max());
      w.doubleField("zeroThreshold", p.zeroThreshold());
      w.endObject();
    }
    w.endArray();
  }

  private void writeSummaryPoints(PList<SummaryDataPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    w.name("dataPoints").beginArray();
    for (int i = 0; i < points.size(); i++) {
      SummaryDataPoint p = points.get(i);
      beginPoint(p);
      w.unsignedLongField("count", p.count());
      w.doubleField("sum", p.sum());
      double[] quantiles = p.quantiles();
      double[] values = p.quantileValues();
      if (quantiles.length > 0) {
        w.name("quantileValues").beginArray();
        for (int q = 0; q < quantiles.length; q++) {
          w.beginObject();
          w.doubleField("quantile", quantiles[q]);
          w.doubleField("value", values[q]);
          w.endObject();
        }
        w.endArray();
      }
      w.endObject();
    }
    w.endArray();
  }

  /** An {@code optional double}: pdata marks absence with NaN; a present 0 is written. */
  private void writeOptional(String name, double value) {
    if (!Double.isNaN(value)) {
      w.name(name).value(value);
    }
  }

  private void writeCounts(String name, long[] counts) {
    if (counts.length == 0) {
      return;
    }
    w.name(name).beginArray();
    for (long c : counts) {
      w.quotedUnsignedValue(c);
    }
    w.endArray();
  }

  private void writeBuckets(String name, int offset, long[] counts) {
    if (offset == 0 && counts.length == 0) {
      return;
    }
    w.name(name).beginObject();
    w.intField("offset", offset);
    writeCounts("bucketCounts", counts);
    w.endObject();
  }

  /** A {@code repeated KeyValue}; left out when empty. */
  private void writeAttributes(String name, Attributes attributes) {
    int n = attributes.size();
    if (n == 0) {
      return;
    }
    w.name(name).beginArray();
    for (int i = 0; i < n; i++) {
      w.beginObject().name("key").value(attributes.key(i)).name("value").beginObject();
      switch (attributes.type(i)) {
        case STRING -> w.name("stringValue").value(attributes.stringAt(i));
        case LONG -> w.name("intValue").quotedValue(attributes.longAt(i));
        case DOUBLE -> w.name("doubleValue").value(attributes.doubleAt(i));
        case BOOL -> w.name("boolValue").value(attributes.boolAt(i));
        default -> writeAnyValueMember(attributes.valueAt(i));
      }
      w.endObject().endObject();
    }
    w.endArray();
  }

  private void writeAnyValue(AnyValue v) {
    w.beginObject();
    writeAnyValueMember(v);
    w.endObject();
  }

  /** The one member of an AnyValue object; nothing for an empty value ({@code {}}). */
  private void writeAnyValueMember(AnyValue v) {
    switch (v.type()) {
      case EMPTY -> {}
      case STRING -> w.name("stringValue").value(v.asString());
      case BOOL -> w.name("boolValue").value(v.asBool());
      case LONG -> w.name("intValue").quotedValue(v.asLong());
      case DOUBLE -> w.name("doubleValue").value(v.asDouble());
      case BYTES -> w.name("bytesValue").base64Value(v.asBytes());
      case ARRAY -> {
        w.name("arrayValue").beginObject();
        List<AnyValue> values = v.asArray();
        if (!values.isEmpty()) {
          w.name("values").beginArray();
          for (int i = 0; i < values.size(); i++) {
            writeAnyValue(values.get(i));
          }
          w.endArray();
        }
        w.endObject();
      }
      case MAP -> {
        w.name("kvlistValue").beginObject();
        Map<String, AnyValue> map = v.asMap();
        if (!map.isEmpty()) {
          w.name("values").beginArray();
          for (Map.Entry<String, AnyValue> e : map.entrySet()) {
            w.beginObject().name("key").value(e.getKey()).name("value");
            writeAnyValue(e.getValue());
            w.endObject();
          }
          w.endArray();
        }
        w.endObject();
      }
    }
  }
}
