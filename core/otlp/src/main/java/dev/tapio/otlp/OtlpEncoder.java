package dev.tapio.otlp;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.Resource;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.Scope;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeMetrics;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Encodes {@link Logs}, {@link Metrics} and {@link Traces} into the protobuf bytes of OTLP's
 * {@code ExportLogsServiceRequest}, {@code ExportMetricsServiceRequest} and
 * {@code ExportTraceServiceRequest} (opentelemetry-proto v1), straight from pdata.
 *
 * <p>Two passes, as opentelemetry-java's stateless marshalers do: the size pass walks the tree
 * and records, in traversal order, the length of every nested message and the UTF-8 length of
 * every string in a reused {@code int[]}; the write pass walks the tree again in the same order,
 * reading those lengths back, into a reused {@code byte[]} sized once from the total. Fields are
 * written in field-number order and default values (0, empty strings, all-zero ids) are left
 * out, so the output is byte-identical to protobuf-java's for the same message. Nothing is
 * allocated per record once the buffers have grown to the largest request seen, except for
 * {@code bytes} values (their {@link AnyValue} hands out copies only) and map values (iterated
 * through the map's view).
 *
 * <p>Strings are encoded as UTF-8; an unpaired surrogate becomes U+FFFD. A request must stay
 * under 2 GiB, as protobuf requires.
 *
 * <p>Not thread-safe: keep one instance per thread (an exporter's sender thread) and reuse it;
 * the bytes of the last request stay in {@link #buffer()} until the next call.
 */
public final class OtlpEncoder implements OtlpRequestEncoder {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  // Tags are (field number << 3 | wire type); every one used here but Span.flags fits a byte.
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  private static final byte F1_LEN = tag(1, LEN);
  private static final byte F2_LEN = tag(2, LEN);
  private static final byte F3_LEN = tag(3, LEN);

  // AnyValue
  private static final byte AV_STRING = tag(1, LEN);
  private static final byte AV_BOOL = tag(2, VARINT);
  private static final byte AV_INT = tag(3, VARINT);
  private static final byte AV_DOUBLE = tag(4, I64);
  private static final byte AV_ARRAY = tag(5, LEN);
  private static final byte AV_KVLIST = tag(6, LEN);
  private static final byte AV_BYTES = tag(7, LEN);
  // KeyValue: key = 1, value = 2; ArrayValue / KeyValueList: values = 1
  private static final byte KV_KEY = tag(1, LEN);
  private static final byte KV_VALUE = tag(2, LEN);
  private static final byte LIST_VALUES = tag(1, LEN);

  // Resource: attributes = 1, dropped_attributes_count = 2
  private static final byte RESOURCE_ATTRS = tag(1, LEN);
  private static final byte RESOURCE_DROPPED = tag(2, VARINT);
  // InstrumentationScope
  private static final byte SCOPE_NAME = tag(1, LEN);
  private static final byte SCOPE_VERSION = tag(2, LEN);
  private static final byte SCOPE_ATTRS = tag(3, LEN);
  private static final byte SCOPE_DROPPED = tag(4, VARINT);
  // Export*ServiceRequest: resource_* = 1. Resource*: resource = 1, scope_* = 2, schema_url = 3.
  // Scope*: scope = 1, items = 2, schema_url = 3.
  private static final byte REQUEST_RESOURCES = F1_LEN;
  private static final byte GROUP_HEADER = F1_LEN;
  private static final byte GROUP_ITEMS = F2_LEN;
  private static final byte GROUP_SCHEMA_URL = F3_LEN;

  // LogRecord
  private static final byte LR_TIME = tag(1, I64);
  private static final byte LR_SEVERITY = tag(2, VARINT);
  private static final byte LR_SEVERITY_TEXT = tag(3, LEN);
  private static final byte LR_BODY = tag(5, LEN);
  private static final byte LR_ATTRS = tag(6, LEN);
  private static final byte LR_DROPPED = tag(7, VARINT);
  private static final byte LR_FLAGS = tag(8, I32);
  private static final byte LR_TRACE_ID = tag(9, LEN);
  private static final byte LR_SPAN_ID = tag(10, LEN);
  private static final byte LR_OBSERVED_TIME = tag(11, I64);
  private static final byte LR_EVENT_NAME = tag(12, LEN);

  // Metric
  private static final byte M_NAME = tag(1, LEN);
  private static final byte M_DESCRIPTION = tag(2, LEN);
  private static final byte M_UNIT = tag(3, LEN);
  private static final byte M_GAUGE = tag(5, LEN);
  private static final byte M_SUM = tag(7, LEN);
  private static final byte M_HISTOGRAM = tag(9, LEN);
  private static final byte M_EXP_HISTOGRAM = tag(10, LEN);
  private static final byte M_SUMMARY = tag(11, LEN);
  // Gauge/Sum/Histogram/ExponentialHistogram/Summary: data_points = 1,
  // aggregation_temporality = 2, is_monotonic = 3
  private static final byte DATA_POINTS = tag(1, LEN);
  private static final byte DATA_TEMPORALITY = tag(2, VARINT);
  private static final byte DATA_MONOTONIC = tag(3, VARINT);
  // every data point: start_time_unix_nano = 2, time_unix_nano = 3 (fixed64)
  private static final byte DP_START = tag(2, I64);
  private static final byte DP_TIME = tag(3, I64);
  // NumberDataPoint
  private static final byte NDP_AS_DOUBLE = tag(4, I64);
  private static final byte NDP_AS_INT = tag(6, I64);
  private static final byte NDP_ATTRS = tag(7, LEN);
  private static final byte NDP_FLAGS = tag(8, VARINT);
  // HistogramDataPoint
  private static final byte HDP_COUNT = tag(4, I64);
  private static final byte HDP_SUM = tag(5, I64);
  private static final byte HDP_BUCKET_COUNTS = tag(6, LEN);
  private static final byte HDP_BOUNDS = tag(7, LEN);
  private static final byte HDP_ATTRS = tag(9, LEN);
  private static final byte HDP_FLAGS = tag(10, VARINT);
  private static final byte HDP_MIN = tag(11, I64);
  private static final byte HDP_MAX = tag(12, I64);
  // ExponentialHistogramDataPoint
  private static final byte EDP_ATTRS = tag(1, LEN);
  private static final byte EDP_COUNT = tag(4, I64);
  private static final byte EDP_SUM = tag(5, I64);
  private static final byte EDP_SCALE = tag(6, VARINT);
  private static final byte EDP_ZERO_COUNT = tag(7, I64);
  private static final byte EDP_POSITIVE = tag(8, LEN);
  private static final byte EDP_NEGATIVE = tag(9, LEN);
  private static final byte EDP_FLAGS = tag(10, VARINT);
  private static final byte EDP_MIN = tag(12, I64);
  private static final byte EDP_MAX = tag(13, I64);
  private static final byte EDP_ZERO_THRESHOLD = tag(14, I64);
  // Buckets
  private static final byte BUCKETS_OFFSET = tag(1, VARINT);
  private static final byte BUCKETS_COUNTS = tag(2, LEN);
  // SummaryDataPoint, ValueAtQuantile
  private static final byte SDP_COUNT = tag(4, I64);
  private static final byte SDP_SUM = tag(5, I64);
  private static final byte SDP_QUANTILES = tag(6, LEN);
  private static final byte SDP_ATTRS = tag(7, LEN);
  private static final byte SDP_FLAGS = tag(8, VARINT);
  private static final byte Q_QUANTILE = tag(1, I64);
  private static final byte Q_VALUE = tag(2, I64);

  // Span
  private static final byte S_TRACE_ID = tag(1, LEN);
  private static final byte S_SPAN_ID = tag(2, LEN);
  private static final byte S_TRACE_STATE = tag(3, LEN);
  private static final byte S_PARENT_SPAN_ID = tag(4, LEN);
  private static final byte S_NAME = tag(5, LEN);
  private static final byte S_KIND = tag(6, VARINT);
  private static final byte S_START = tag(7, I64);
  private static final byte S_END = tag(8, I64);
  private static final byte S_ATTRS = tag(9, LEN);
  private static final byte S_DROPPED_ATTRS = tag(10, VARINT);
  private static final byte S_EVENTS = tag(11, LEN);
  private static final byte S_DROPPED_EVENTS = tag(12, VARINT);
  private static final byte S_LINKS = tag(13, LEN);
  private static final byte S_DROPPED_LINKS = tag(14, VARINT);
  private static final byte S_STATUS = tag(15, LEN);
  /** Span.flags = 16, fixed32: the one two-byte tag. */
  private static final int S_FLAGS = 16 << 3 | I32;
  // Span.Event
  private static final byte EV_TIME = tag(1, I64);
  private static final byte EV_NAME = tag(2, LEN);
  private static final byte EV_ATTRS = tag(3, LEN);
  private static final byte EV_DROPPED = tag(4, VARINT);
  // Span.Link
  private static final byte L_TRACE_ID = tag(1, LEN);
  private static final byte L_SPAN_ID = tag(2, LEN);
  private static final byte L_TRACE_STATE = tag(3, LEN);
  private static final byte L_ATTRS = tag(4, LEN);
  private static final byte L_DROPPED = tag(5, VARINT);
  private static final byte L_FLAGS = tag(6, I32);
  // Status: message = 2, code = 3
  private static final byte ST_MESSAGE = tag(2, LEN);
  private static final byte ST_CODE = tag(3, VARINT);

  /** Message and string lengths from the size pass, in traversal order. */
  private int[] sizes = new int[1024];
  private int sizeTop;
  private int sizeNext;
  /** Byte arrays copied out of bytes values in the size pass, so they are copied only once. */
  private Object[] refs = new Object[16];
  private int refTop;
  private int refNext;

  private static final int LENGTHS = 512;
  private static final int MAX_CACHED_LENGTH = 64;
  private final String[] lengthKeys = new String[LENGTHS];
  private final int[] lengthValues = new int[LENGTHS];

  private byte[] buf = new byte[8192];
  private int pos;
  private int length;

  /** Size accumulator of the map being sized; saved and restored around nested maps. */
  private int mapSize;
  // Fields rather than lambdas at the call site, so that iterating a map allocates nothing more.
  private final BiConsumer<String, AnyValue> sizeMapEntry =
      (k, v) -> mapSize += lenField(sizeKeyValue(k, v));
  private final BiConsumer<String, AnyValue> writeMapEntry = (k, v) -> {
    buf[pos++] = LIST_VALUES;
    writeKeyValue(k, v);
  };

  public OtlpEncoder() {}

  /**
   * Encodes {@code data} as its signal's export request into {@link #buffer()}; returns the
   * number of bytes. {@code data} is only read.
   */
  public int encode(TelemetryData<?> data) {
    int size = sizePass(data);
    if (size > buf.length) {
      buf = new byte[Math.max(size, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L))];
    }
    pos = 0;
    sizeNext = 0;
    refNext = 0;
    switch (data) {
      case Logs logs -> writeLogs(logs);
      case Metrics metrics -> writeMetrics(metrics);
      case Traces traces -> writeTraces(traces);
    }
    if (pos != size || sizeNext != sizeTop) {
      // Only a bug here, or data changed by another thread while encoding, gets here.
      throw new IllegalStateException(
          "size pass and write pass disagree: " + size + " bytes sized, " + pos + " written");
    }
    Arrays.fill(refs, 0, refTop, null);
    length = size;
    return size;
  }

  /**
   * The number of bytes {@code data}'s export request encodes to, by the size pass alone (the
   * Collector's {@code bytes} sizer); {@link #buffer()} is left as it was.
   */
  public int size(TelemetryData<?> data) {
    try {
      return sizePass(data);
    } finally {
      Arrays.fill(refs, 0, refTop, null);
    }
  }

  /** The size pass: the request's length, with the sizes and references the write pass uses. */
  private int sizePass(TelemetryData<?> data) {
    sizeTop = 0;
    refTop = 0;
    int size = switch (data) {
      case Logs logs -> sizeLogs(logs);
      case Metrics metrics -> sizeMetrics(metrics);
      case Traces traces -> sizeTraces(traces);
    };
    if (size < 0) {
      throw new IllegalArgumentException("request exceeds the 2 GiB protobuf limit");
    }
    return size;
  }

  /** Encodes {@code data} and writes the request to {@code out} in one {@code write} call. */
  public void encode(TelemetryData<?> data, OutputStream out) throws IOException {
    int n = encode(data);
    out.write(buf, 0, n);
  }

  /**
   * Encodes {@code data} into {@code out} at its position; throws {@link BufferOverflowException}
   * (leaving {@code out} unchanged) when it has not enough room. Returns the number of bytes.
   */
  public int encode(TelemetryData<?> data, ByteBuffer out) {
    int n = encode(data);
    if (out.remaining() < n) {
      throw new BufferOverflowException();
    }
    out.put(buf, 0, n);
    return n;
  }

  /** The internal buffer; the last request is its first {@link #length()} bytes. */
  public byte[] buffer() {
    return buf;
  }

  /** The length of the last request encoded. */
  public int length() {
    return length;
  }

  /** A copy of the last request encoded. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, length);
  }

  // ---------------------------------------------------------------------------------------
  // Request and group levels

  private int sizeLogs(Logs logs) {
    int size = 0;
    PList<ResourceLogs> resources = logs.resourceLogs();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceLogs rl = resources.get(i);
      int slot = reserve();
      int rlSize = lenField(sizeResource(rl.resource()));
      PList<ScopeLogs> scopes = rl.scopeLogs();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeLogs sl = scopes.get(j);
        int slSlot = reserve();
        int slSize = lenField(sizeScope(sl.scope()));
        PList<LogRecord> records = sl.logRecords();
        for (int k = 0, r = records.size(); k < r; k++) {
          slSize += lenField(sizeLogRecord(records.get(k)));
        }
        slSize += sizeString(sl.schemaUrl());
        sizes[slSlot] = slSize;
        rlSize += lenField(slSize);
      }
      rlSize += sizeString(rl.schemaUrl());
      sizes[slot] = rlSize;
      size += lenField(rlSize);
    }
    return size;
  }

  private void writeLogs(Logs logs) {
    PList<ResourceLogs> resources = logs.resourceLogs();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceLogs rl = resources.get(i);
      writeLenPrefix(REQUEST_RESOURCES);
      writeLenPrefix(GROUP_HEADER);
      writeResource(rl.resource());
      PList<ScopeLogs> scopes = rl.scopeLogs();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeLogs sl = scopes.get(j);
        writeLenPrefix(GROUP_ITEMS);
        writeLenPrefix(GROUP_HEADER);
        writeScope(sl.scope());
        PList<LogRecord> records = sl.logRecords();
        for (int k = 0, r = records.size(); k < r; k++) {
          writeLenPrefix(GROUP_ITEMS);
          writeLogRecord(records.get(k));
        }
        writeString(GROUP_SCHEMA_URL, sl.schemaUrl());
      }
      writeString(GROUP_SCHEMA_URL, rl.schemaUrl());
    }
  }

  private int sizeMetrics(Metrics metrics) {
    int size = 0;
    PList<ResourceMetrics> resources = metrics.resourceMetrics();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceMetrics rm = resources.get(i);
      int slot = reserve();
      int rmSize = lenField(sizeResource(rm.resource()));
      PList<ScopeMetrics> scopes = rm.scopeMetrics();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeMetrics sm = scopes.get(j);
        int smSlot = reserve();
        int smSize = lenField(sizeScope(sm.scope()));
        PList<Metric> items = sm.metrics();
        for (int k = 0, r = items.size(); k < r; k++) {
          smSize += lenField(sizeMetric(items.get(k)));
        }
        smSize += sizeString(sm.schemaUrl());
        sizes[smSlot] = smSize;
        rmSize += lenField(smSize);
      }
      rmSize += sizeString(rm.schemaUrl());
      sizes[slot] = rmSize;
      size += lenField(rmSize);
    }
    return size;
  }

  private void writeMetrics(Metrics metrics) {
    PList<ResourceMetrics> resources = metrics.resourceMetrics();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceMetrics rm = resources.get(i);
      writeLenPrefix(REQUEST_RESOURCES);
      writeLenPrefix(GROUP_HEADER);
      writeResource(rm.resource());
      PList<ScopeMetrics> scopes = rm.scopeMetrics();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeMetrics sm = scopes.get(j);
        writeLenPrefix(GROUP_ITEMS);
        writeLenPrefix(GROUP_HEADER);
        writeScope(sm.scope());
        PList<Metric> items = sm.metrics();
        for (int k = 0, r = items.size(); k < r; k++) {
          writeLenPrefix(GROUP_ITEMS);
          writeMetric(items.get(k));
        }
        writeString(GROUP_SCHEMA_URL, sm.schemaUrl());
      }
      writeString(GROUP_SCHEMA_URL, rm.schemaUrl());
    }
  }

  private int sizeTraces(Traces traces) {
    int size = 0;
    PList<ResourceSpans> resources = traces.resourceSpans();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceSpans rs = resources.get(i);
      int slot = reserve();
      int rsSize = lenField(sizeResource(rs.resource()));
      PList<ScopeSpans> scopes = rs.scopeSpans();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeSpans ss = scopes.get(j);
        int ssSlot = reserve();
        int ssSize = lenField(sizeScope(ss.scope()));
        PList<Span> items = ss.spans();
        for (int k = 0, r = items.size(); k < r; k++) {
          ssSize += lenField(sizeSpan(items.get(k)));
        }
        ssSize += sizeString(ss.schemaUrl());
        sizes[ssSlot] = ssSize;
        rsSize += lenField(ssSize);
      }
      rsSize += sizeString(rs.schemaUrl());
      sizes[slot] = rsSize;
      size += lenField(rsSize);
    }
    return size;
  }

  private void writeTraces(Traces traces) {
    PList<ResourceSpans> resources = traces.resourceSpans();
    for (int i = 0, n = resources.size(); i < n; i++) {
      ResourceSpans rs = resources.get(i);
      writeLenPrefix(REQUEST_RESOURCES);
      writeLenPrefix(GROUP_HEADER);
      writeResource(rs.resource());
      PList<ScopeSpans> scopes = rs.scopeSpans();
      for (int j = 0, m = scopes.size(); j < m; j++) {
        ScopeSpans ss = scopes.get(j);
        writeLenPrefix(GROUP_ITEMS);
        writeLenPrefix(GROUP_HEADER);
        writeScope(ss.scope());
        PList<Span> items = ss.spans();
        for (int k = 0, r = items.size(); k < r; k++) {
          writeLenPrefix(GROUP_ITEMS);
          writeSpan(items.get(k));
        }
        writeString(GROUP_SCHEMA_URL, ss.schemaUrl());
      }
      writeString(GROUP_SCHEMA_URL, rs.schemaUrl());
    }
  }

  // Resource and scope are always written, even when empty, as the Collector and
  // opentelemetry-java do: some receivers tell "no resource" from "empty resource".

  private int sizeResource(Resource r) {
    int slot = reserve();
    int size = sizeAttributes(r.attributes()) + sizeUInt32(r.droppedAttributesCount());
    sizes[slot] = size;
    return size;
  }

  private void writeResource(Resource r) {
    writeAttributes(RESOURCE_ATTRS, r.attributes());
    writeUInt32(RESOURCE_DROPPED, r.droppedAttributesCount());
  }

  private int sizeScope(Scope s) {
    int slot = reserve();
    int size = sizeString(s.name()) + sizeString(s.version()) + sizeAttributes(s.attributes())
        + sizeUInt32(s.droppedAttributesCount());
    sizes[slot] = size;
    return size;
  }

  private void writeScope(Scope s) {
    writeString(SCOPE_NAME, s.name());
    writeString(SCOPE_VERSION, s.version());
    writeAttributes(SCOPE_ATTRS, s.attributes());
    writeUInt32(SCOPE_DROPPED, s.droppedAttributesCount());
  }

  /** Writes the tag of a nested message and its length from the size pass. */
  private void writeLenPrefix(byte tag) {
    buf[pos++] = tag;
    writeVarint32(sizes[sizeNext++]);
  }

  // ---------------------------------------------------------------------------------------
  // Logs

  private int sizeLogRecord(LogRecord r) {
    int slot = reserve();
    int size = r.timeUnixNano() != 0 ? 9 : 0;
    size += sizeEnum(r.severity().number());
    size += sizeString(r.severityText());
    ValueType bodyType = r.bodyType();
    if (bodyType == ValueType.STRING) {
      size += lenField(sizeStringValue(r.bodyString()));
    } else if (bodyType != ValueType.EMPTY) {
      size += lenField(sizeAnyValue(r.body()));
    }
    size += sizeAttributes(r.attributes());
    size += sizeUInt32(r.droppedAttributesCount());
    size += r.flags() != 0 ? 5 : 0;
    size += isZero(r.traceId()) ? 0 : 2 + r.traceId().length;
    size += isZero(r.spanId()) ? 0 : 2 + r.spanId().length;
    size += r.observedTimeUnixNano() != 0 ? 9 : 0;
    size += sizeString(r.eventName());
    sizes[slot] = size;
    return size;
  }

  private void writeLogRecord(LogRecord r) {
    writeFixed64(LR_TIME, r.timeUnixNano());
    writeEnum(LR_SEVERITY, r.severity().number());
    writeString(LR_SEVERITY_TEXT, r.severityText());
    ValueType bodyType = r.bodyType();
    if (bodyType == ValueType.STRING) {
      writeStringValue(LR_BODY, r.bodyString());
    } else if (bodyType != ValueType.EMPTY) {
      writeAnyValue(LR_BODY, r.body());
    }
    writeAttributes(LR_ATTRS, r.attributes());
    writeUInt32(LR_DROPPED, r.droppedAttributesCount());
    writeFixed32(LR_FLAGS, r.flags());
    writeId(LR_TRACE_ID, r.traceId());
    writeId(LR_SPAN_ID, r.spanId());
    writeFixed64(LR_OBSERVED_TIME, r.observedTimeUnixNano());
    writeString(LR_EVENT_NAME, r.eventName());
  }

  // ---------------------------------------------------------------------------------------
  // Metrics

  private int sizeMetric(Metric m) {
    int slot = reserve();
    int size = sizeString(m.name()) + sizeString(m.description()) + sizeString(m.unit());
    if (m.type() != MetricType.EMPTY) {
      size += lenField(sizeMetricData(m));
    }
    sizes[slot] = size;
    return size;
  }

  private void writeMetric(Metric m) {
    writeString(M_NAME, m.name());
    writeString(M_DESCRIPTION, m.description());
    writeString(M_UNIT, m.unit());
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE -> writeLenPrefix(M_GAUGE);
      case SUM -> writeLenPrefix(M_SUM);
      case HISTOGRAM -> writeLenPrefix(M_HISTOGRAM);
      case EXPONENTIAL_HISTOGRAM -> writeLenPrefix(M_EXP_HISTOGRAM);
      case SUMMARY -> writeLenPrefix(M_SUMMARY);
    }
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE, SUM -> {
        PList<NumberDataPoint> points = m.numberPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          writeLenPrefix(DATA_POINTS);
          writeNumberPoint(points.get(i));
        }
      }
      case HISTOGRAM -> {
        PList<HistogramDataPoint> points = m.histogramPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          writeLenPrefix(DATA_POINTS);
          writeHistogramPoint(points.get(i));
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        PList<ExponentialHistogramDataPoint> points = m.exponentialHistogramPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          writeLenPrefix(DATA_POINTS);
          writeExponentialPoint(points.get(i));
        }
      }
      case SUMMARY -> {
        PList<SummaryDataPoint> points = m.summaryPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          writeLenPrefix(DATA_POINTS);
          writeSummaryPoint(points.get(i));
        }
      }
    }
    switch (m.type()) {
      case SUM -> {
        writeEnum(DATA_TEMPORALITY, m.temporality().ordinal());
        writeBool(DATA_MONOTONIC, m.isMonotonic());
      }
      case HISTOGRAM, EXPONENTIAL_HISTOGRAM ->
          writeEnum(DATA_TEMPORALITY, m.temporality().ordinal());
      default -> {}
    }
  }

  /** Size of the Gauge / Sum / Histogram / ExponentialHistogram / Summary message. */
  private int sizeMetricData(Metric m) {
    int slot = reserve();
    int size = 0;
    switch (m.type()) {
      case EMPTY -> {}
      case GAUGE, SUM -> {
        PList<NumberDataPoint> points = m.numberPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          size += lenField(sizeNumberPoint(points.get(i)));
        }
      }
      case HISTOGRAM -> {
        PList<HistogramDataPoint> points = m.histogramPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          size += lenField(sizeHistogramPoint(points.get(i)));
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        PList<ExponentialHistogramDataPoint> points = m.exponentialHistogramPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          size += lenField(sizeExponentialPoint(points.get(i)));
        }
      }
      case SUMMARY -> {
        PList<SummaryDataPoint> points = m.summaryPoints();
        for (int i = 0, n = points.size(); i < n; i++) {
          size += lenField(sizeSummaryPoint(points.get(i)));
        }
      }
    }
    switch (m.type()) {
      case SUM -> size += sizeEnum(m.temporality().ordinal()) + (m.isMonotonic() ? 2 : 0);
      case HISTOGRAM, EXPONENTIAL_HISTOGRAM -> size += sizeEnum(m.temporality().ordinal());
      default -> {}
    }
    sizes[slot] = size;
    return size;
  }

  private int sizeNumberPoint(NumberDataPoint p) {
    int slot = reserve();
    int size = sizeTimes(p.startTimeUnixNano(), p.timeUnixNano())
        + 9 // the value is a oneof member: written even when zero
        + sizeAttributes(p.attributes())
        + sizeUInt32(p.flags());
    sizes[slot] = size;
    return size;
  }

  private void writeNumberPoint(NumberDataPoint p) {
    writeFixed64(DP_START, p.startTimeUnixNano());
    writeFixed64(DP_TIME, p.timeUnixNano());
    if (p.isDouble()) {
      buf[pos++] = NDP_AS_DOUBLE;
      putLong(Double.doubleToRawLongBits(p.doubleValue()));
    } else {
      buf[pos++] = NDP_AS_INT;
      putLong(p.longValue());
    }
    writeAttributes(NDP_ATTRS, p.attributes());
    writeUInt32(NDP_FLAGS, p.flags());
  }

  private int sizeHistogramPoint(HistogramDataPoint p) {
    int slot = reserve();
    int size = sizeTimes(p.startTimeUnixNano(), p.timeUnixNano())
        + (p.count() != 0 ? 9 : 0)
        + sizeOptionalDouble(p.sum())
        + sizePacked(p.bucketCounts().length * 8)
        + sizePacked(p.explicitBounds().length * 8)
        + sizeAttributes(p.attributes())
        + sizeUInt32(p.flags())
        + sizeOptionalDouble(p.min())
        + sizeOptionalDouble(p.max());
    sizes[slot] = size;
    return size;
  }

  private void writeHistogramPoint(HistogramDataPoint p) {
    writeFixed64(DP_START, p.startTimeUnixNano());
    writeFixed64(DP_TIME, p.timeUnixNano());
    writeFixed64(HDP_COUNT, p.count());
    writeOptionalDouble(HDP_SUM, p.sum());
    long[] counts = p.bucketCounts();
    if (counts.length > 0) {
      buf[pos++] = HDP_BUCKET_COUNTS;
      writeVarint32(counts.length * 8);
      for (long c : counts) {
        putLong(c);
      }
    }
    double[] bounds = p.explicitBounds();
    if (bounds.length > 0) {
      buf[pos++] = HDP_BOUNDS;
      writeVarint32(bounds.length * 8);
      for (double b : bounds) {
        putLong(Double.doubleToRawLongBits(b));
      }
    }
    writeAttributes(HDP_ATTRS, p.attributes());
    writeUInt32(HDP_FLAGS, p.flags());
    writeOptionalDouble(HDP_MIN, p.min());
    writeOptionalDouble(HDP_MAX, p.max());
  }

  private int sizeExponentialPoint(ExponentialHistogramDataPoint p) {
    int slot = reserve();
    int size = sizeAttributes(p.attributes())
        + sizeTimes(p.startTimeUnixNano(), p.timeUnixNano())
        + (p.count() != 0 ? 9 : 0)
        + sizeOptionalDouble(p.sum())
        + (p.scale() != 0 ? 1 + varintSize(zigZag(p.scale())) : 0)
        + (p.zeroCount() != 0 ? 9 : 0);
    if (hasBuckets(p.positiveOffset(), p.positiveBucketCounts())) {
      size += lenField(sizeBuckets(p.positiveOffset(), p.positiveBucketCounts()));
    }
    if (hasBuckets(p.negativeOffset(), p.negativeBucketCounts())) {
      size += lenField(sizeBuckets(p.negativeOffset(), p.negativeBucketCounts()));
    }
    size += sizeUInt32(p.flags())
        + sizeOptionalDouble(p.min())
        + sizeOptionalDouble(p.max())
        + sizeDouble(p.zeroThreshold());
    sizes[slot] = size;
    return size;
  }

  private void writeExponentialPoint(ExponentialHistogramDataPoint p) {
    writeAttributes(EDP_ATTRS, p.attributes());
    writeFixed64(DP_START, p.startTimeUnixNano());
    writeFixed64(DP_TIME, p.timeUnixNano());
    writeFixed64(EDP_COUNT, p.count());
    writeOptionalDouble(EDP_SUM, p.sum());
    if (p.scale() != 0) {
      buf[pos++] = EDP_SCALE;
      writeVarint(zigZag(p.scale()));
    }
    writeFixed64(EDP_ZERO_COUNT, p.zeroCount());
    if (hasBuckets(p.positiveOffset(), p.positiveBucketCounts())) {
      writeLenPrefix(EDP_POSITIVE);
      writeBuckets(p.positiveOffset(), p.positiveBucketCounts());
    }
    if (hasBuckets(p.negativeOffset(), p.negativeBucketCounts())) {
      writeLenPrefix(EDP_NEGATIVE);
      writeBuckets(p.negativeOffset(), p.negativeBucketCounts());
    }
    writeUInt32(EDP_FLAGS, p.flags());
    writeOptionalDouble(EDP_MIN, p.min());
    writeOptionalDouble(EDP_MAX, p.max());
    writeDouble(EDP_ZERO_THRESHOLD, p.zeroThreshold());
  }

  private static boolean hasBuckets(int offset, long[] counts) {
    return offset != 0 || counts.length > 0;
  }

  private int sizeBuckets(int offset, long[] counts) {
    int slot = reserve();
    int size = offset != 0 ? 1 + varintSize(zigZag(offset)) : 0;
    if (counts.length > 0) {
      int packedSlot = reserve();
      int packed = 0;
      for (long c : counts) {
        packed += varintSize(c);
      }
      sizes[packedSlot] = packed;
      size += lenField(packed);
    }
    sizes[slot] = size;
    return size;
  }

  private void writeBuckets(int offset, long[] counts) {
    if (offset != 0) {
      buf[pos++] = BUCKETS_OFFSET;
      writeVarint(zigZag(offset));
    }
    if (counts.length > 0) {
      writeLenPrefix(BUCKETS_COUNTS);
      for (long c : counts) {
        writeVarint(c);
      }
    }
  }

  private int sizeSummaryPoint(SummaryDataPoint p) {
    int slot = reserve();
    int size = sizeTimes(p.startTimeUnixNano(), p.timeUnixNano())
        + (p.count() != 0 ? 9 : 0)
        + sizeDouble(p.sum());
    double[] quantiles = p.quantiles();
    double[] values = p.quantileValues();
    for (int i = 0; i < quantiles.length; i++) {
      size += lenField(sizeDouble(quantiles[i]) + sizeDouble(values[i]));
    }
    size += sizeAttributes(p.attributes()) + sizeUInt32(p.flags());
    sizes[slot] = size;
    return size;
  }

  private void writeSummaryPoint(SummaryDataPoint p) {
    writeFixed64(DP_START, p.startTimeUnixNano());
    writeFixed64(DP_TIME, p.timeUnixNano());
    writeFixed64(SDP_COUNT, p.count());
    writeDouble(SDP_SUM, p.sum());
    double[] quantiles = p.quantiles();
    double[] values = p.quantileValues();
    for (int i = 0; i < quantiles.length; i++) {
      // A ValueAtQuantile is at most 18 bytes: its length needs no slot.
      buf[pos++] = SDP_QUANTILES;
      buf[pos++] = (byte) (sizeDouble(quantiles[i]) + sizeDouble(values[i]));
      writeDouble(Q_QUANTILE, quantiles[i]);
      writeDouble(Q_VALUE, values[i]);
    }
    writeAttributes(SDP_ATTRS, p.attributes());
    writeUInt32(SDP_FLAGS, p.flags());
  }

  private static int sizeTimes(long start, long time) {
    return (start != 0 ? 9 : 0) + (time != 0 ? 9 : 0);
  }

  // ---------------------------------------------------------------------------------------
  // Traces

  private int sizeSpan(Span s) {
    int slot = reserve();
    int size = (isZero(s.traceId()) ? 0 : 2 + s.traceId().length)
        + (isZero(s.spanId()) ? 0 : 2 + s.spanId().length)
        + sizeString(s.traceState())
        + (isZero(s.parentSpanId()) ? 0 : 2 + s.parentSpanId().length)
        + sizeString(s.name())
        + sizeEnum(s.kind().ordinal())
        + (s.startTimeUnixNano() != 0 ? 9 : 0)
        + (s.endTimeUnixNano() != 0 ? 9 : 0)
        + sizeAttributes(s.attributes())
        + sizeUInt32(s.droppedAttributesCount());
    PList<SpanEvent> events = s.events();
    for (int i = 0, n = events.size(); i < n; i++) {
      size += lenField(sizeEvent(events.get(i)));
    }
    size += sizeUInt32(s.droppedEventsCount());
    PList<SpanLink> links = s.links();
    for (int i = 0, n = links.size(); i < n; i++) {
      size += lenField(sizeLink(links.get(i)));
    }
    size += sizeUInt32(s.droppedLinksCount());
    if (hasStatus(s)) {
      int statusSlot = reserve();
      int status = sizeString(s.statusMessage()) + sizeEnum(s.statusCode().ordinal());
      sizes[statusSlot] = status;
      size += lenField(status);
    }
    size += s.flags() != 0 ? 2 + 4 : 0;
    sizes[slot] = size;
    return size;
  }

  private void writeSpan(Span s) {
    writeId(S_TRACE_ID, s.traceId());
    writeId(S_SPAN_ID, s.spanId());
    writeString(S_TRACE_STATE, s.traceState());
    writeId(S_PARENT_SPAN_ID, s.parentSpanId());
    writeString(S_NAME, s.name());
    writeEnum(S_KIND, s.kind().ordinal());
    writeFixed64(S_START, s.startTimeUnixNano());
    writeFixed64(S_END, s.endTimeUnixNano());
    writeAttributes(S_ATTRS, s.attributes());
    writeUInt32(S_DROPPED_ATTRS, s.droppedAttributesCount());
    PList<SpanEvent> events = s.events();
    for (int i = 0, n = events.size(); i < n; i++) {
      SpanEvent e = events.get(i);
      writeLenPrefix(S_EVENTS);
      writeFixed64(EV_TIME, e.timeUnixNano());
      writeString(EV_NAME, e.name());
      writeAttributes(EV_ATTRS, e.attributes());
      writeUInt32(EV_DROPPED, e.droppedAttributesCount());
    }
    writeUInt32(S_DROPPED_EVENTS, s.droppedEventsCount());
    PList<SpanLink> links = s.links();
    for (int i = 0, n = links.size(); i < n; i++) {
      SpanLink l = links.get(i);
      writeLenPrefix(S_LINKS);
      writeId(L_TRACE_ID, l.traceId());
      writeId(L_SPAN_ID, l.spanId());
      writeString(L_TRACE_STATE, l.traceState());
      writeAttributes(L_ATTRS, l.attributes());
      writeUInt32(L_DROPPED, l.droppedAttributesCount());
      writeFixed32(L_FLAGS, l.flags());
    }
    writeUInt32(S_DROPPED_LINKS, s.droppedLinksCount());
    if (hasStatus(s)) {
      writeLenPrefix(S_STATUS);
      writeString(ST_MESSAGE, s.statusMessage());
      writeEnum(ST_CODE, s.statusCode().ordinal());
    }
    if (s.flags() != 0) {
      writeVarint32(S_FLAGS);
      putInt(s.flags());
    }
  }

  /** An unset status with no message is the default Status: left out like any default. */
  private static boolean hasStatus(Span s) {
    return s.statusCode() != StatusCode.UNSET || !s.statusMessage().isEmpty();
  }

  private int sizeEvent(SpanEvent e) {
    int slot = reserve();
    int size = (e.timeUnixNano() != 0 ? 9 : 0) + sizeString(e.name())
        + sizeAttributes(e.attributes()) + sizeUInt32(e.droppedAttributesCount());
    sizes[slot] = size;
    return size;
  }

  private int sizeLink(SpanLink l) {
    int slot = reserve();
    int size = (isZero(l.traceId()) ? 0 : 2 + l.traceId().length)
        + (isZero(l.spanId()) ? 0 : 2 + l.spanId().length)
        + sizeString(l.traceState())
        + sizeAttributes(l.attributes())
        + sizeUInt32(l.droppedAttributesCount())
        + (l.flags() != 0 ? 5 : 0);
    sizes[slot] = size;
    return size;
  }

  // ---------------------------------------------------------------------------------------
  // Attributes and AnyValue

  /** Size of the repeated KeyValue field holding {@code a} (every such field has a 1-byte tag). */
  private int sizeAttributes(Attributes a) {
    int size = 0;
    for (int i = 0, n = a.size(); i < n; i++) {
      int slot = reserve();
      int kv = sizeString(a.key(i)) + lenField(switch (a.type(i)) {
        case STRING -> sizeStringValue(a.stringAt(i));
        case BOOL -> 2;
        case LONG -> 1 + varintSize(a.longAt(i));
        case DOUBLE -> 9;
        default -> sizeAnyValue(a.valueAt(i));
      });
      sizes[slot] = kv;
      size += lenField(kv);
    }
    return size;
  }

  private void writeAttributes(byte tag, Attributes a) {
    for (int i = 0, n = a.size(); i < n; i++) {
      writeLenPrefix(tag);
      writeString(KV_KEY, a.key(i));
      switch (a.type(i)) {
        case STRING -> writeStringValue(KV_VALUE, a.stringAt(i));
        case BOOL -> writeBoolValue(KV_VALUE, a.boolAt(i));
        case LONG -> writeLongValue(KV_VALUE, a.longAt(i));
        case DOUBLE -> writeDoubleValue(KV_VALUE, a.doubleAt(i));
        default -> writeAnyValue(KV_VALUE, a.valueAt(i));
      }
    }
  }

  /** Size of a KeyValue message; reserves its slot. */
  private int sizeKeyValue(String key, AnyValue value) {
    int slot = reserve();
    int size = sizeString(key) + lenField(sizeAnyValue(value));
    sizes[slot] = size;
    return size;
  }

  private void writeKeyValue(String key, AnyValue value) {
    writeVarint32(sizes[sizeNext++]);
    writeString(KV_KEY, key);
    writeAnyValue(KV_VALUE, value);
  }

  /**
   * Size of an AnyValue message. Scalars need no slot: their length follows from the value, or,
   * for strings, from the string's slot, which the write pass reads first.
   */
  private int sizeAnyValue(AnyValue v) {
    return switch (v.type()) {
      case EMPTY -> 0;
      case STRING -> sizeStringValue(v.asString());
      case BOOL -> 2;
      case LONG -> 1 + varintSize(v.asLong());
      case DOUBLE -> 9;
      case BYTES -> {
        byte[] bytes = v.asBytes();
        pushRef(bytes);
        yield lenField(bytes.length);
      }
      case ARRAY -> lenField(sizeArrayValue(v.asArray()));
      case MAP -> lenField(sizeKeyValueList(v.asMap()));
    };
  }

  /** Writes {@code v} as the AnyValue field {@code tag} (tag, length, message). */
  private void writeAnyValue(byte tag, AnyValue v) {
    switch (v.type()) {
      case EMPTY -> {
        buf[pos++] = tag;
        buf[pos++] = 0;
      }
      case STRING -> writeStringValue(tag, v.asString());
      case BOOL -> writeBoolValue(tag, v.asBool());
      case LONG -> writeLongValue(tag, v.asLong());
      case DOUBLE -> writeDoubleValue(tag, v.asDouble());
      case BYTES -> {
        byte[] bytes = (byte[]) refs[refNext++];
        buf[pos++] = tag;
        writeVarint32(lenField(bytes.length));
        buf[pos++] = AV_BYTES;
        writeVarint32(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
      }
      case ARRAY -> {
        int inner = sizes[sizeNext++];
        buf[pos++] = tag;
        writeVarint32(lenField(inner));
        buf[pos++] = AV_ARRAY;
        writeVarint32(inner);
        List<AnyValue> values = v.asArray();
        for (int i = 0, n = values.size(); i < n; i++) {
          writeAnyValue(LIST_VALUES, values.get(i));
        }
      }
      case MAP -> {
        int inner = sizes[sizeNext++];
        buf[pos++] = tag;
        writeVarint32(lenField(inner));
        buf[pos++] = AV_KVLIST;
        writeVarint32(inner);
        v.asMap().forEach(writeMapEntry);
      }
    }
  }

  private int sizeArrayValue(List<AnyValue> values) {
    int slot = reserve();
    int size = 0;
    for (int i = 0, n = values.size(); i < n; i++) {
      size += lenField(sizeAnyValue(values.get(i)));
    }
    sizes[slot] = size;
    return size;
  }

  private int sizeKeyValueList(Map<String, AnyValue> map) {
    int slot = reserve();
    int outer = mapSize;
    mapSize = 0;
    map.forEach(sizeMapEntry);
    int size = mapSize;
    mapSize = outer;
    sizes[slot] = size;
    return size;
  }

  /** Size of an AnyValue holding a string; records the string's UTF-8 length. */
  private int sizeStringValue(String s) {
    int n = cachedUtf8Length(s);
    push(n);
    return lenField(n);
  }

  private void writeStringValue(byte tag, String s) {
    int n = sizes[sizeNext++];
    buf[pos++] = tag;
    writeVarint32(lenField(n));
    buf[pos++] = AV_STRING;
    writeVarint32(n);
    writeUtf8(s, n);
  }

  private void writeBoolValue(byte tag, boolean value) {
    buf[pos++] = tag;
    buf[pos++] = 2;
    buf[pos++] = AV_BOOL;
    buf[pos++] = (byte) (value ? 1 : 0);
  }

  private void writeLongValue(byte tag, long value) {
    buf[pos++] = tag;
    buf[pos++] = (byte) (1 + varintSize(value));
    buf[pos++] = AV_INT;
    writeVarint(value);
  }

  private void writeDoubleValue(byte tag, double value) {
    buf[pos++] = tag;
    buf[pos++] = 9;
    buf[pos++] = AV_DOUBLE;
    putLong(Double.doubleToRawLongBits(value));
  }

  // ---------------------------------------------------------------------------------------
  // Scalars. size* return the bytes of the whole field, tag included, 0 when it is left out.

  private int sizeString(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    int n = cachedUtf8Length(s);
    push(n);
    return lenField(n);
  }

  private void writeString(byte tag, String s) {
    if (s.isEmpty()) {
      return;
    }
    int n = sizes[sizeNext++];
    buf[pos++] = tag;
    writeVarint32(n);
    writeUtf8(s, n);
  }

  /** An int32 or enum field: negative values take ten bytes, sign-extended as protobuf does. */
  private static int sizeEnum(int value) {
    return value == 0 ? 0 : 1 + varintSize(value);
  }

  private void writeEnum(byte tag, int value) {
    if (value != 0) {
      buf[pos++] = tag;
      writeVarint(value);
    }
  }

  private static int sizeUInt32(int value) {
    return value == 0 ? 0 : 1 + varintSize(Integer.toUnsignedLong(value));
  }

  private void writeUInt32(byte tag, int value) {
    if (value != 0) {
      buf[pos++] = tag;
      writeVarint(Integer.toUnsignedLong(value));
    }
  }

  private void writeBool(byte tag, boolean value) {
    if (value) {
      buf[pos++] = tag;
      buf[pos++] = 1;
    }
  }

  private void writeFixed64(byte tag, long value) {
    if (value != 0) {
      buf[pos++] = tag;
      putLong(value);
    }
  }

  private void writeFixed32(byte tag, int value) {
    if (value != 0) {
      buf[pos++] = tag;
      putInt(value);
    }
  }

  /** A plain double is left out when +0.0 (not -0.0), as protobuf compares raw bits. */
  private static int sizeDouble(double value) {
    return Double.doubleToRawLongBits(value) != 0 ? 9 : 0;
  }

  private void writeDouble(byte tag, double value) {
    long bits = Double.doubleToRawLongBits(value);
    if (bits != 0) {
      buf[pos++] = tag;
      putLong(bits);
    }
  }

  /** An {@code optional double}: pdata marks absence with NaN. */
  private static int sizeOptionalDouble(double value) {
    return Double.isNaN(value) ? 0 : 9;
  }

  private void writeOptionalDouble(byte tag, double value) {
    if (!Double.isNaN(value)) {
      buf[pos++] = tag;
      putLong(Double.doubleToRawLongBits(value));
    }
  }

  private static int sizePacked(int payload) {
    return payload == 0 ? 0 : lenField(payload);
  }

  private void writeId(byte tag, byte[] id) {
    if (!isZero(id)) {
      buf[pos++] = tag;
      buf[pos++] = (byte) id.length;
      System.arraycopy(id, 0, buf, pos, id.length);
      pos += id.length;
    }
  }

  /** All-zero ids mean "absent" in OTLP and are left out, as opentelemetry-java does. */
  private static boolean isZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------
  // Primitives

  private static byte tag(int field, int wireType) {
    return (byte) (field << 3 | wireType);
  }

  /** Bytes of a length-delimited field with a 1-byte tag and a payload of {@code len}. */
  private static int lenField(int len) {
    return 1 + varintSize(len) + len;
  }

  static int varintSize(long value) {
    return (640 - Long.numberOfLeadingZeros(value | 1) * 9) >>> 6;
  }

  private static long zigZag(int value) {
    return Integer.toUnsignedLong((value << 1) ^ (value >> 31));
  }

  private int reserve() {
    if (sizeTop == sizes.length) {
      sizes = Arrays.copyOf(sizes, sizes.length * 2);
    }
    return sizeTop++;
  }

  private void push(int value) {
    int slot = reserve(); // before indexing: reserve() may replace the array
    sizes[slot] = value;
  }

  private void pushRef(Object ref) {
    if (refTop == refs.length) {
      refs = Arrays.copyOf(refs, refs.length * 2);
    }
    refs[refTop++] = ref;
  }

  private void writeVarint32(int value) {
    writeVarint(Integer.toUnsignedLong(value));
  }

  private void writeVarint(long value) {
    while ((value & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
  }

  private void putLong(long value) {
    LONG_LE.set(buf, pos, value);
    pos += 8;
  }

  private void putInt(int value) {
    INT_LE.set(buf, pos, value);
    pos += 4;
  }

  /**
   * {@link #utf8Length} through a small cache by identity: attribute keys are constants and the
   * eBPF receivers hand out one instance per repeated value, so most strings of a request are
   * measured once, not once per record. Holds at most {@link #LENGTHS} short strings.
   */
  private int cachedUtf8Length(String s) {
    if (s.length() > MAX_CACHED_LENGTH) {
      return utf8Length(s);
    }
    int slot = s.hashCode() & (LENGTHS - 1);
    if (lengthKeys[slot] == s) {
      return lengthValues[slot];
    }
    int n = utf8Length(s);
    lengthKeys[slot] = s;
    lengthValues[slot] = n;
    return n;
  }

  /**
   * UTF-8 length of {@code s}, as written by {@link #writeUtf8}. Equal to {@code s.length()}
   * exactly when every char is ASCII, which the write pass relies on for its fast path.
   */
  static int utf8Length(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && s.charAt(i) < 0x80) {
      i++;
    }
    int bytes = n;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 2; // four bytes for two chars
        i++;
      } else {
        bytes += 2; // three bytes, also for an unpaired surrogate written as U+FFFD
      }
    }
    return bytes;
  }

  @SuppressWarnings("deprecation") // the one JDK call that copies Latin-1 chars without allocating
  private void writeUtf8(String s, int utf8Length) {
    int n = s.length();
    if (utf8Length == n) {
      s.getBytes(0, n, buf, pos);
      pos += n;
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | c >>> 6);
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[pos++] = (byte) (0xF0 | cp >>> 18);
          buf[pos++] = (byte) (0x80 | (cp >>> 12 & 0x3F));
          buf[pos++] = (byte) (0x80 | (cp >>> 6 & 0x3F));
          buf[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          buf[pos++] = (byte) 0xEF;
          buf[pos++] = (byte) 0xBF;
          buf[pos++] = (byte) 0xBD;
        }
      } else {
        buf[pos++] = (byte) (0xE0 | c >>> 12);
        buf[pos++] = (byte) (0x80 | (c >>> 6 & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }
}
