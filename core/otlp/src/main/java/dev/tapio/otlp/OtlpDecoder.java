package dev.tapio.otlp;

import static dev.tapio.otlp.ProtoReader.I32;
import static dev.tapio.otlp.ProtoReader.I64;
import static dev.tapio.otlp.ProtoReader.LEN;
import static dev.tapio.otlp.ProtoReader.VARINT;

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
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanEvent;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.SpanLink;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the protobuf bytes of OTLP's {@code ExportLogsServiceRequest},
 * {@code ExportMetricsServiceRequest} and {@code ExportTraceServiceRequest} (opentelemetry-proto
 * v1) into pdata.
 *
 * <p>Strict and bounded, because its input comes from the network: a request larger than the
 * maximum message size is refused before it is looked at; every length prefix is checked
 * against the bytes left in its enclosing message before anything is allocated, so allocation
 * is proportional to the input; {@code AnyValue} arrays and maps (and unknown groups) nested
 * deeper than the maximum depth are refused. Anything malformed (truncation, a bad varint, a
 * known field with the wrong wire type, an id of the wrong length, histogram bucket counts
 * that do not match the bounds) raises an {@link OtlpFormatException} naming the field and the
 * offset, and nothing else is thrown. Unknown fields are skipped by wire type, as protobuf
 * requires, so newer senders are understood.
 *
 * <p>Where pdata is narrower than the protocol, values are mapped, not refused: severity, span
 * kind, status code and temporality numbers outside their enums become the unspecified value;
 * exemplars, metric metadata and resource entity refs are dropped; strings with invalid UTF-8
 * get U+FFFD; a repeated attribute key keeps its last value; when a singular field occurs
 * twice, the last occurrence wins.
 *
 * <p>With a cap on attributes ({@code maxAttributesPerRecord}), a resource, scope, log record,
 * span, event or link keeps its first distinct keys up to the cap; the attributes it cannot
 * take are counted in its {@code dropped_attributes_count} (added to what the sender put there)
 * and in what the decode methods return. Data points are not capped: they have no dropped
 * count, and dropping an attribute would merge distinct series. Decoding n attributes costs
 * O(n) with or without the cap, whatever their keys.
 *
 * <p>Immutable and thread-safe.
 */
public final class OtlpDecoder implements OtlpRequestDecoder {
  /** The default maximum request size: gRPC's default maximum message size, 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
  /** The default maximum nesting of AnyValue arrays and maps. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 32;

  // Field names by number, element 0 the message name: they name fields in errors and tell
  // known fields (whose wire type must match) from unknown ones (skipped).
  private static final String[] LOGS_REQUEST = names("ExportLogsServiceRequest",
      1, "resource_logs");
  private static final String[] METRICS_REQUEST = names("ExportMetricsServiceRequest",
      1, "resource_metrics");
  private static final String[] TRACES_REQUEST = names("ExportTraceServiceRequest",
      1, "resource_spans");
  private static final String[] RESOURCE_LOGS = names("ResourceLogs",
      1, "resource", 2, "scope_logs", 3, "schema_url");
  private static final String[] RESOURCE_METRICS = names("ResourceMetrics",
      1, "resource", 2, "scope_metrics", 3, "schema_url");
  private static final String[] RESOURCE_SPANS = names("ResourceSpans",
      1, "resource", 2, "scope_spans", 3, "schema_url");
  private static final String[] SCOPE_LOGS = names("ScopeLogs",
      1, "scope", 2, "log_records", 3, "schema_url");
  private static final String[] SCOPE_METRICS = names("ScopeMetrics",
      1, "scope", 2, "metrics", 3, "schema_url");
  private static final String[] SCOPE_SPANS = names("ScopeSpans",
      1, "scope", 2, "spans", 3, "schema_url");
  private static final String[] RESOURCE = names("Resource",
      1, "attributes", 2, "dropped_attributes_count", 3, "entity_refs");
  private static final String[] SCOPE = names("InstrumentationScope",
      1, "name", 2, "version", 3, "attributes", 4, "dropped_attributes_count");
  private static final String[] KEY_VALUE = names("KeyValue", 1, "key", 2, "value");
  private static final String[] ANY_VALUE = names("AnyValue",
      1, "string_value", 2, "bool_value", 3, "int_value", 4, "double_value",
      5, "array_value", 6, "kvlist_value", 7, "bytes_value");
  private static final String[] ARRAY_VALUE = names("ArrayValue", 1, "values");
  private static final String[] KEY_VALUE_LIST = names("KeyValueList", 1, "values");
  private static final String[] LOG_RECORD = names("LogRecord",
      1, "time_unix_nano", 2, "severity_number", 3, "severity_text", 5, "body",
      6, "attributes", 7, "dropped_attributes_count", 8, "flags", 9, "trace_id",
      10, "span_id", 11, "observed_time_unix_nano", 12, "event_name");
  private static final String[] METRIC = names("Metric",
      1, "name", 2, "description", 3, "unit", 5, "gauge", 7, "sum", 9, "histogram",
      10, "exponential_histogram", 11, "summary", 12, "metadata");
  private static final String[] GAUGE = names("Gauge", 1, "data_points");
  private static final String[] SUM = names("Sum",
      1, "data_points", 2, "aggregation_temporality", 3, "is_monotonic");
  private static final String[] HISTOGRAM = names("Histogram",
      1, "data_points", 2, "aggregation_temporality");
  private static final String[] EXP_HISTOGRAM = names("ExponentialHistogram",
      1, "data_points", 2, "aggregation_temporality");
  private static final String[] SUMMARY = names("Summary", 1, "data_points");
  private static final String[] NUMBER_POINT = names("NumberDataPoint",
      2, "start_time_unix_nano", 3, "time_unix_nano", 4, "as_double", 5, "exemplars",
      6, "as_int", 7, "attributes", 8, "flags");
  private static final String[] HISTOGRAM_POINT = names("HistogramDataPoint",
      2, "start_time_unix_nano", 3, "time_unix_nano", 4, "count", 5, "sum",
      6, "bucket_counts", 7, "explicit_bounds", 8, "exemplars", 9, "attributes", 10, "flags",
      11, "min", 12, "max");
  private static final String[] EXP_POINT = names("ExponentialHistogramDataPoint",
      1, "attributes", 2, "start_time_unix_nano", 3, "time_unix_nano", 4, "count", 5, "sum",
      6, "scale", 7, "zero_count", 8, "positive", 9, "negative", 10, "flags", 11, "exemplars",
      12, "min", 13, "max", 14, "zero_threshold");
  private static final String[] BUCKETS = names("ExponentialHistogramDataPoint.Buckets",
      1, "offset", 2, "bucket_counts");
  private static final String[] SUMMARY_POINT = names("SummaryDataPoint",
      2, "start_time_unix_nano", 3, "time_unix_nano", 4, "count", 5, "sum",
      6, "quantile_values", 7, "attributes", 8, "flags");
  private static final String[] QUANTILE = names("SummaryDataPoint.ValueAtQuantile",
      1, "quantile", 2, "value");
  private static final String[] SPAN = names("Span",
      1, "trace_id", 2, "span_id", 3, "trace_state", 4, "parent_span_id", 5, "name",
      6, "kind", 7, "start_time_unix_nano", 8, "end_time_unix_nano", 9, "attributes",
      10, "dropped_attributes_count", 11, "events", 12, "dropped_events_count", 13, "links",
      14, "dropped_links_count", 15, "status", 16, "flags");
  private static final String[] EVENT = names("Span.Event",
      1, "time_unix_nano", 2, "name", 3, "attributes", 4, "dropped_attributes_count");
  private static final String[] LINK = names("Span.Link",
      1, "trace_id", 2, "span_id", 3, "trace_state", 4, "attributes",
      5, "dropped_attributes_count", 6, "flags");
  private static final String[] STATUS = names("Status", 2, "message", 3, "code");

  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] CODES = StatusCode.values();
  private static final AggregationTemporality[] TEMPORALITIES = AggregationTemporality.values();

  private final int maxMessageSize;
  private final int maxNestingDepth;
  private final int maxAttributes;

  /** A decoder with {@link #DEFAULT_MAX_MESSAGE_SIZE} and {@link #DEFAULT_MAX_NESTING_DEPTH}. */
  public OtlpDecoder() {
    this(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_NESTING_DEPTH);
  }

  /**
   * @param maxMessageSize the largest request accepted, in bytes
   * @param maxNestingDepth how deep AnyValue arrays and maps may nest (1: an array of scalars)
   */
  public OtlpDecoder(int maxMessageSize, int maxNestingDepth) {
    this(maxMessageSize, maxNestingDepth, 0);
  }

  /**
   * @param maxMessageSize the largest request accepted, in bytes
   * @param maxNestingDepth how deep AnyValue arrays and maps may nest (1: an array of scalars)
   * @param maxAttributesPerRecord the most attributes kept per resource, scope, log record,
   *     span, event and link, the rest counted as dropped (see the class comment); 0 for no cap
   */
  public OtlpDecoder(int maxMessageSize, int maxNestingDepth, int maxAttributesPerRecord) {
    if (maxMessageSize < 0 || maxNestingDepth < 0 || maxAttributesPerRecord < 0) {
      throw new IllegalArgumentException("limits must be >= 0: " + maxMessageSize + ", "
          + maxNestingDepth + ", " + maxAttributesPerRecord);
    }
    this.maxMessageSize = maxMessageSize;
    this.maxNestingDepth = maxNestingDepth;
    this.maxAttributes = maxAttributesPerRecord;
  }

  public int maxMessageSize() {
    return maxMessageSize;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** The cap on attributes per resource, scope, log record, span, event and link; 0: none. */
  public int maxAttributesPerRecord() {
    return maxAttributes;
  }

  public Logs decodeLogs(byte[] request) throws OtlpFormatException {
    Logs logs = new Logs();
    decodeLogs(request, 0, request.length, logs);
    return logs;
  }

  @Override
  public int decodeLogs(byte[] request, int offset, int length, Logs into)
      throws OtlpFormatException {
    ProtoReader r = open(request, offset, length, LOGS_REQUEST);
    int end = offset + length;
    PList<ResourceLogs> resources = into.resourceLogs();
    while (r.pos < end) {
      int tag = r.readTag(end, LOGS_REQUEST[0]);
      if (tag == (1 << 3 | LEN)) {
        int stop = r.readLength(end, LOGS_REQUEST[1]);
        ResourceLogs rl = resources.appendEmpty();
        while (r.pos < stop) {
          int t = r.readTag(stop, RESOURCE_LOGS[0]);
          switch (t) {
            case 1 << 3 | LEN -> readResource(r, r.readLength(stop, RESOURCE_LOGS[1]), rl);
            case 2 << 3 | LEN -> {
              int slEnd = r.readLength(stop, RESOURCE_LOGS[2]);
              ScopeLogs sl = rl.scopeLogs().appendEmpty();
              while (r.pos < slEnd) {
                int st = r.readTag(slEnd, SCOPE_LOGS[0]);
                switch (st) {
                  case 1 << 3 | LEN -> readScope(r, r.readLength(slEnd, SCOPE_LOGS[1]), sl);
                  case 2 << 3 | LEN -> readLogRecord(
                      r, r.readLength(slEnd, SCOPE_LOGS[2]), sl.logRecords().appendEmpty());
                  case 3 << 3 | LEN -> sl.setSchemaUrl(r.readString(slEnd, SCOPE_LOGS[3]));
                  default -> r.skipField(st, slEnd, SCOPE_LOGS);
                }
              }
            }
            case 3 << 3 | LEN -> rl.setSchemaUrl(r.readString(stop, RESOURCE_LOGS[3]));
            default -> r.skipField(t, stop, RESOURCE_LOGS);
          }
        }
      } else {
        r.skipField(tag, end, LOGS_REQUEST);
      }
    }
    return r.droppedAttributes;
  }

  public Metrics decodeMetrics(byte[] request) throws OtlpFormatException {
    Metrics metrics = new Metrics();
    decodeMetrics(request, 0, request.length, metrics);
    return metrics;
  }

  @Override
  public int decodeMetrics(byte[] request, int offset, int length, Metrics into)
      throws OtlpFormatException {
    ProtoReader r = open(request, offset, length, METRICS_REQUEST);
    int end = offset + length;
    while (r.pos < end) {
      int tag = r.readTag(end, METRICS_REQUEST[0]);
      if (tag == (1 << 3 | LEN)) {
        int stop = r.readLength(end, METRICS_REQUEST[1]);
        ResourceMetrics rm = into.resourceMetrics().appendEmpty();
        while (r.pos < stop) {
          int t = r.readTag(stop, RESOURCE_METRICS[0]);
          switch (t) {
            case 1 << 3 | LEN -> readResource(r, r.readLength(stop, RESOURCE_METRICS[1]), rm);
            case 2 << 3 | LEN -> {
              int smEnd = r.readLength(stop, RESOURCE_METRICS[2]);
              ScopeMetrics sm = rm.scopeMetrics().appendEmpty();
              while (r.pos < smEnd) {
                int st = r.readTag(smEnd, SCOPE_METRICS[0]);
                switch (st) {
                  case 1 << 3 | LEN -> readScope(r, r.readLength(smEnd, SCOPE_METRICS[1]), sm);
                  case 2 << 3 | LEN -> readMetric(
                      r, r.readLength(smEnd, SCOPE_METRICS[2]), sm.metrics().appendEmpty());
                  case 3 << 3 | LEN -> sm.setSchemaUrl(r.readString(smEnd, SCOPE_METRICS[3]));
                  default -> r.skipField(st, smEnd, SCOPE_METRICS);
                }
              }
            }
            case 3 << 3 | LEN -> rm.setSchemaUrl(r.readString(stop, RESOURCE_METRICS[3]));
            default -> r.skipField(t, stop, RESOURCE_METRICS);
          }
        }
      } else {
        r.skipField(tag, end, METRICS_REQUEST);
      }
    }
    return r.droppedAttributes;
  }

  public Traces decodeTraces(byte[] request) throws OtlpFormatException {
    Traces traces = new Traces();
    decodeTraces(request, 0, request.length, traces);
    return traces;
  }

  @Override
  public int decodeTraces(byte[] request, int offset, int length, Traces into)
      throws OtlpFormatException {
    ProtoReader r = open(request, offset, length, TRACES_REQUEST);
    int end = offset + length;
    while (r.pos < end) {
      int tag = r.readTag(end, TRACES_REQUEST[0]);
      if (tag == (1 << 3 | LEN)) {
        int stop = r.readLength(end, TRACES_REQUEST[1]);
        ResourceSpans rs = into.resourceSpans().appendEmpty();
        while (r.pos < stop) {
          int t = r.readTag(stop, RESOURCE_SPANS[0]);
          switch (t) {
            case 1 << 3 | LEN -> readResource(r, r.readLength(stop, RESOURCE_SPANS[1]), rs);
            case 2 << 3 | LEN -> {
              int ssEnd = r.readLength(stop, RESOURCE_SPANS[2]);
              ScopeSpans ss = rs.scopeSpans().appendEmpty();
              while (r.pos < ssEnd) {
                int st = r.readTag(ssEnd, SCOPE_SPANS[0]);
                switch (st) {
                  case 1 << 3 | LEN -> readScope(r, r.readLength(ssEnd, SCOPE_SPANS[1]), ss);
                  case 2 << 3 | LEN -> readSpan(
                      r, r.readLength(ssEnd, SCOPE_SPANS[2]), ss.spans().appendEmpty());
                  case 3 << 3 | LEN -> ss.setSchemaUrl(r.readString(ssEnd, SCOPE_SPANS[3]));
                  default -> r.skipField(st, ssEnd, SCOPE_SPANS);
                }
              }
            }
            case 3 << 3 | LEN -> rs.setSchemaUrl(r.readString(stop, RESOURCE_SPANS[3]));
            default -> r.skipField(t, stop, RESOURCE_SPANS);
          }
        }
      } else {
        r.skipField(tag, end, TRACES_REQUEST);
      }
    }
    return r.droppedAttributes;
  }

  private ProtoReader open(byte[] request, int offset, int length, String[] message)
      throws OtlpFormatException {
    if (offset < 0 || length < 0 || offset > request.length - length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", array " + request.length);
    }
    if (length > maxMessageSize) {
      throw new OtlpFormatException(message[0], 0,
          "request of " + length + " bytes exceeds the maximum of " + maxMessageSize);
    }
    return new ProtoReader(request, offset, maxNestingDepth);
  }

  // ---------------------------------------------------------------------------------------
  // Resource and scope

  private void readResource(ProtoReader r, int end, ResourceEntry<?> entry)
      throws OtlpFormatException {
    Resource resource = entry.resource();
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, RESOURCE[0]);
      switch (tag) {
        case 1 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, RESOURCE[1]),
            resource.attributes(), maxAttributes);
        case 2 << 3 | VARINT -> resource.setDroppedAttributesCount(r.readInt32(end, RESOURCE[2]));
        case 3 << 3 | LEN -> r.pos = r.readLength(end, RESOURCE[3]);
        default -> r.skipField(tag, end, RESOURCE);
      }
    }
    if (dropped > 0) {
      resource.setDroppedAttributesCount(
          AttributeCap.addDropped(resource.droppedAttributesCount(), dropped));
    }
  }

  private void readScope(ProtoReader r, int end, ScopeEntry<?> entry)
      throws OtlpFormatException {
    Scope scope = entry.scope();
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, SCOPE[0]);
      switch (tag) {
        case 1 << 3 | LEN -> scope.setName(r.readString(end, SCOPE[1]));
        case 2 << 3 | LEN -> scope.setVersion(r.readString(end, SCOPE[2]));
        case 3 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, SCOPE[3]),
            scope.attributes(), maxAttributes);
        case 4 << 3 | VARINT -> scope.setDroppedAttributesCount(r.readInt32(end, SCOPE[4]));
        default -> r.skipField(tag, end, SCOPE);
      }
    }
    if (dropped > 0) {
      scope.setDroppedAttributesCount(
          AttributeCap.addDropped(scope.droppedAttributesCount(), dropped));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Attributes and AnyValue

  /**
   * Reads one KeyValue into {@code into}, scalars unboxed; returns 1 when a cap of {@code cap}
   * attributes (0: none) keeps it out, else 0. The value is read either way: a dropped
   * attribute must still be well-formed.
   */
  private int readAttribute(ProtoReader r, int end, Attributes into, int cap)
      throws OtlpFormatException {
    String key = "";
    r.valueType = ValueType.EMPTY;
    r.valueRef = null;
    while (r.pos < end) {
      int tag = r.readTag(end, KEY_VALUE[0]);
      switch (tag) {
        case 1 << 3 | LEN -> key = r.readString(end, KEY_VALUE[1]);
        case 2 << 3 | LEN -> readAnyValue(r, r.readLength(end, KEY_VALUE[2]), 0);
        default -> r.skipField(tag, end, KEY_VALUE);
      }
    }
    if (!AttributeCap.admits(into, key, cap)) {
      r.droppedAttributes++;
      return 1;
    }
    switch (r.valueType) {
      case STRING -> into.putString(key, (String) r.valueRef);
      case BOOL -> into.putBool(key, r.valueBits != 0);
      case LONG -> into.putLong(key, r.valueBits);
      case DOUBLE -> into.putDouble(key, Double.longBitsToDouble(r.valueBits));
      case EMPTY -> into.put(key, AnyValue.EMPTY);
      default -> into.put(key, (AnyValue) r.valueRef);
    }
    return 0;
  }

  /**
   * Reads an AnyValue message into the reader's value fields. {@code depth} counts the arrays
   * and maps around it.
   */
  private void readAnyValue(ProtoReader r, int end, int depth) throws OtlpFormatException {
    r.valueType = ValueType.EMPTY;
    r.valueRef = null;
    while (r.pos < end) {
      int tag = r.readTag(end, ANY_VALUE[0]);
      switch (tag) {
        case 1 << 3 | LEN -> {
          String s = r.readString(end, ANY_VALUE[1]);
          r.valueType = ValueType.STRING;
          r.valueRef = s;
        }
        case 2 << 3 | VARINT -> {
          long v = r.readVarint(end, ANY_VALUE[2]);
          r.valueType = ValueType.BOOL;
          r.valueBits = v != 0 ? 1 : 0;
        }
        case 3 << 3 | VARINT -> {
          long v = r.readVarint(end, ANY_VALUE[3]);
          r.valueType = ValueType.LONG;
          r.valueBits = v;
        }
        case 4 << 3 | I64 -> {
          long v = r.readFixed64(end, ANY_VALUE[4]);
          r.valueType = ValueType.DOUBLE;
          r.valueBits = v;
        }
        case 5 << 3 | LEN -> {
          checkDepth(r, depth, ANY_VALUE[5]);
          AnyValue array = readArrayValue(r, r.readLength(end, ANY_VALUE[5]), depth + 1);
          r.valueType = ValueType.ARRAY;
          r.valueRef = array;
        }
        case 6 << 3 | LEN -> {
          checkDepth(r, depth, ANY_VALUE[6]);
          AnyValue map = readKeyValueList(r, r.readLength(end, ANY_VALUE[6]), depth + 1);
          r.valueType = ValueType.MAP;
          r.valueRef = map;
        }
        case 7 << 3 | LEN -> {
          AnyValue bytes = AnyValue.ofBytes(r.readBytes(end, ANY_VALUE[7]));
          r.valueType = ValueType.BYTES;
          r.valueRef = bytes;
        }
        default -> r.skipField(tag, end, ANY_VALUE);
      }
    }
  }

  private void checkDepth(ProtoReader r, int depth, String field) throws OtlpFormatException {
    if (depth >= r.maxDepth()) {
      throw r.error(field, "arrays and maps nested deeper than " + r.maxDepth());
    }
  }

  /** The value the reader's value fields hold, as an AnyValue. */
  private static AnyValue currentValue(ProtoReader r) {
    return switch (r.valueType) {
      case EMPTY -> AnyValue.EMPTY;
      case STRING -> AnyValue.of((String) r.valueRef);
      case BOOL -> AnyValue.of(r.valueBits != 0);
      case LONG -> AnyValue.of(r.valueBits);
      case DOUBLE -> AnyValue.of(Double.longBitsToDouble(r.valueBits));
      default -> (AnyValue) r.valueRef;
    };
  }

  private AnyValue readArrayValue(ProtoReader r, int end, int depth)
      throws OtlpFormatException {
    List<AnyValue> values = new ArrayList<>();
    while (r.pos < end) {
      int tag = r.readTag(end, ARRAY_VALUE[0]);
      if (tag == (1 << 3 | LEN)) {
        readAnyValue(r, r.readLength(end, ARRAY_VALUE[1]), depth);
        values.add(currentValue(r));
      } else {
        r.skipField(tag, end, ARRAY_VALUE);
      }
    }
    return AnyValue.ofArray(values);
  }

  private AnyValue readKeyValueList(ProtoReader r, int end, int depth)
      throws OtlpFormatException {
    Map<String, AnyValue> values = new LinkedHashMap<>();
    while (r.pos < end) {
      int tag = r.readTag(end, KEY_VALUE_LIST[0]);
      if (tag == (1 << 3 | LEN)) {
        int kvEnd = r.readLength(end, KEY_VALUE_LIST[1]);
        String key = "";
        AnyValue value = AnyValue.EMPTY;
        while (r.pos < kvEnd) {
          int t = r.readTag(kvEnd, KEY_VALUE[0]);
          switch (t) {
            case 1 << 3 | LEN -> key = r.readString(kvEnd, KEY_VALUE[1]);
            case 2 << 3 | LEN -> {
              readAnyValue(r, r.readLength(kvEnd, KEY_VALUE[2]), depth);
              value = currentValue(r);
            }
            default -> r.skipField(t, kvEnd, KEY_VALUE);
          }
        }
        values.put(key, value);
      } else {
        r.skipField(tag, end, KEY_VALUE_LIST);
      }
    }
    return AnyValue.ofMap(values);
  }

  // ---------------------------------------------------------------------------------------
  // Logs

  private void readLogRecord(ProtoReader r, int end, LogRecord rec)
      throws OtlpFormatException {
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, LOG_RECORD[0]);
      switch (tag) {
        case 1 << 3 | I64 -> rec.setTimeUnixNano(r.readFixed64(end, LOG_RECORD[1]));
        case 2 << 3 | VARINT ->
            rec.setSeverity(Severity.ofNumber(r.readInt32(end, LOG_RECORD[2])));
        case 3 << 3 | LEN -> rec.setSeverityText(r.readString(end, LOG_RECORD[3]));
        case 5 << 3 | LEN -> {
          readAnyValue(r, r.readLength(end, LOG_RECORD[5]), 0);
          if (r.valueType == ValueType.STRING) {
            rec.setBody((String) r.valueRef);
          } else {
            rec.setBody(currentValue(r));
          }
        }
        case 6 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, LOG_RECORD[6]),
            rec.attributes(), maxAttributes);
        case 7 << 3 | VARINT ->
            rec.setDroppedAttributesCount(r.readInt32(end, LOG_RECORD[7]));
        case 8 << 3 | I32 -> rec.setFlags(r.readFixed32(end, LOG_RECORD[8]));
        case 9 << 3 | LEN -> rec.setTraceId(r.readId(end, LOG_RECORD[9], r.traceId));
        case 10 << 3 | LEN -> rec.setSpanId(r.readId(end, LOG_RECORD[10], r.spanId));
        case 11 << 3 | I64 -> rec.setObservedTimeUnixNano(r.readFixed64(end, LOG_RECORD[11]));
        case 12 << 3 | LEN -> rec.setEventName(r.readString(end, LOG_RECORD[12]));
        default -> r.skipField(tag, end, LOG_RECORD);
      }
    }
    if (dropped > 0) {
      rec.setDroppedAttributesCount(
          AttributeCap.addDropped(rec.droppedAttributesCount(), dropped));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Metrics

  private void readMetric(ProtoReader r, int end, Metric metric) throws OtlpFormatException {
    while (r.pos < end) {
      int tag = r.readTag(end, METRIC[0]);
      switch (tag) {
        case 1 << 3 | LEN -> metric.setName(r.readString(end, METRIC[1]));
        case 2 << 3 | LEN -> metric.setDescription(r.readString(end, METRIC[2]));
        case 3 << 3 | LEN -> metric.setUnit(r.readString(end, METRIC[3]));
        case 5 << 3 | LEN -> {
          int stop = r.readLength(end, METRIC[5]);
          PList<NumberDataPoint> points = metric.setGauge();
          while (r.pos < stop) {
            int t = r.readTag(stop, GAUGE[0]);
            if (t == (1 << 3 | LEN)) {
              readNumberPoint(r, r.readLength(stop, GAUGE[1]), points.appendEmpty());
            } else {
              r.skipField(t, stop, GAUGE);
            }
          }
        }
        case 7 << 3 | LEN -> {
          int stop = r.readLength(end, METRIC[7]);
          // Temporality and monotonicity come with the points in any order, but pdata takes
          // them when the type is set, which clears the points: read them first.
          long header = scanHeader(r, stop, SUM);
          PList<NumberDataPoint> points =
              metric.setSum(temporality(header), (header & (1L << 32)) != 0);
          while (r.pos < stop) {
            int t = r.readTag(stop, SUM[0]);
            if (t == (1 << 3 | LEN)) {
              readNumberPoint(r, r.readLength(stop, SUM[1]), points.appendEmpty());
            } else {
              skipHeaderField(r, t, stop, SUM);
            }
          }
        }
        case 9 << 3 | LEN -> {
          int stop = r.readLength(end, METRIC[9]);
          PList<HistogramDataPoint> points =
              metric.setHistogram(temporality(scanHeader(r, stop, HISTOGRAM)));
          while (r.pos < stop) {
            int t = r.readTag(stop, HISTOGRAM[0]);
            if (t == (1 << 3 | LEN)) {
              readHistogramPoint(r, r.readLength(stop, HISTOGRAM[1]), points.appendEmpty());
            } else {
              skipHeaderField(r, t, stop, HISTOGRAM);
            }
          }
        }
        case 10 << 3 | LEN -> {
          int stop = r.readLength(end, METRIC[10]);
          PList<ExponentialHistogramDataPoint> points =
              metric.setExponentialHistogram(temporality(scanHeader(r, stop, EXP_HISTOGRAM)));
          while (r.pos < stop) {
            int t = r.readTag(stop, EXP_HISTOGRAM[0]);
            if (t == (1 << 3 | LEN)) {
              readExponentialPoint(
                  r, r.readLength(stop, EXP_HISTOGRAM[1]), points.appendEmpty());
            } else {
              skipHeaderField(r, t, stop, EXP_HISTOGRAM);
            }
          }
        }
        case 11 << 3 | LEN -> {
          int stop = r.readLength(end, METRIC[11]);
          PList<SummaryDataPoint> points = metric.setSummary();
          while (r.pos < stop) {
            int t = r.readTag(stop, SUMMARY[0]);
            if (t == (1 << 3 | LEN)) {
              readSummaryPoint(r, r.readLength(stop, SUMMARY[1]), points.appendEmpty());
            } else {
              r.skipField(t, stop, SUMMARY);
            }
          }
        }
        case 12 << 3 | LEN -> r.pos = r.readLength(end, METRIC[12]);
        default -> r.skipField(tag, end, METRIC);
      }
    }
  }

  /**
   * Reads aggregation_temporality (field 2) and is_monotonic (field 3) of a Sum / Histogram /
   * ExponentialHistogram without moving the reader: low 32 bits the temporality, bit 32 the
   * monotonic flag.
   */
  private static long scanHeader(ProtoReader r, int end, String[] names)
      throws OtlpFormatException {
    int start = r.pos;
    long temporality = 0;
    boolean monotonic = false;
    while (r.pos < end) {
      int tag = r.readTag(end, names[0]);
      switch (tag) {
        case 1 << 3 | LEN -> r.pos = r.readLength(end, names[1]);
        case 2 << 3 | VARINT -> temporality = r.readInt32(end, names[2]) & 0xFFFFFFFFL;
        case 3 << 3 | VARINT -> {
          if (names.length > 3) {
            monotonic = r.readVarint(end, names[3]) != 0;
          } else {
            r.skipField(tag, end, names);
          }
        }
        default -> r.skipField(tag, end, names);
      }
    }
    r.pos = start;
    return temporality | (monotonic ? 1L << 32 : 0);
  }

  /** Steps over a header field already read by {@link #scanHeader}, or an unknown field. */
  private static void skipHeaderField(ProtoReader r, int tag, int end, String[] names)
      throws OtlpFormatException {
    if (tag == (2 << 3 | VARINT) || (names.length > 3 && tag == (3 << 3 | VARINT))) {
      r.readVarint(end, names[tag >>> 3]);
    } else {
      r.skipField(tag, end, names);
    }
  }

  private static AggregationTemporality temporality(long header) {
    int t = (int) header;
    return t >= 0 && t < TEMPORALITIES.length ? TEMPORALITIES[t]
        : AggregationTemporality.UNSPECIFIED;
  }

  private void readNumberPoint(ProtoReader r, int end, NumberDataPoint p)
      throws OtlpFormatException {
    while (r.pos < end) {
      int tag = r.readTag(end, NUMBER_POINT[0]);
      switch (tag) {
        case 2 << 3 | I64 -> p.setStartTimeUnixNano(r.readFixed64(end, NUMBER_POINT[2]));
        case 3 << 3 | I64 -> p.setTimeUnixNano(r.readFixed64(end, NUMBER_POINT[3]));
        case 4 << 3 | I64 -> p.setDoubleValue(r.readDouble(end, NUMBER_POINT[4]));
        case 5 << 3 | LEN -> r.pos = r.readLength(end, NUMBER_POINT[5]);
        case 6 << 3 | I64 -> p.setLongValue(r.readFixed64(end, NUMBER_POINT[6]));
        case 7 << 3 | LEN ->
            readAttribute(r, r.readLength(end, NUMBER_POINT[7]), p.attributes(), 0);
        case 8 << 3 | VARINT -> p.setFlags(r.readInt32(end, NUMBER_POINT[8]));
        default -> r.skipField(tag, end, NUMBER_POINT);
      }
    }
  }

  private void readHistogramPoint(ProtoReader r, int end, HistogramDataPoint p)
      throws OtlpFormatException {
    r.longCount = 0;
    r.doubleCount = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, HISTOGRAM_POINT[0]);
      switch (tag) {
        case 2 << 3 | I64 -> p.setStartTimeUnixNano(r.readFixed64(end, HISTOGRAM_POINT[2]));
        case 3 << 3 | I64 -> p.setTimeUnixNano(r.readFixed64(end, HISTOGRAM_POINT[3]));
        case 4 << 3 | I64 -> p.setCount(r.readFixed64(end, HISTOGRAM_POINT[4]));
        case 5 << 3 | I64 -> p.setSum(r.readDouble(end, HISTOGRAM_POINT[5]));
        case 6 << 3 | LEN, 6 << 3 | I64 -> r.readFixed64s(tag, end, HISTOGRAM_POINT[6]);
        case 7 << 3 | LEN, 7 << 3 | I64 -> r.readDoubles(tag, end, HISTOGRAM_POINT[7]);
        case 8 << 3 | LEN -> r.pos = r.readLength(end, HISTOGRAM_POINT[8]);
        case 9 << 3 | LEN ->
            readAttribute(r, r.readLength(end, HISTOGRAM_POINT[9]), p.attributes(), 0);
        case 10 << 3 | VARINT -> p.setFlags(r.readInt32(end, HISTOGRAM_POINT[10]));
        case 11 << 3 | I64 -> p.setMin(r.readDouble(end, HISTOGRAM_POINT[11]));
        case 12 << 3 | I64 -> p.setMax(r.readDouble(end, HISTOGRAM_POINT[12]));
        default -> r.skipField(tag, end, HISTOGRAM_POINT);
      }
    }
    // Counts without bounds would be one bucket; bounds without counts carry nothing.
    if (r.longCount > 0) {
      if (r.longCount != r.doubleCount + 1) {
        throw r.error(HISTOGRAM_POINT[6], r.longCount + " bucket counts for "
            + r.doubleCount + " explicit bounds; expected one more count than bounds");
      }
      p.setBuckets(Arrays.copyOf(r.doubles, r.doubleCount), Arrays.copyOf(r.longs, r.longCount));
    }
  }

  private void readExponentialPoint(ProtoReader r, int end, ExponentialHistogramDataPoint p)
      throws OtlpFormatException {
    while (r.pos < end) {
      int tag = r.readTag(end, EXP_POINT[0]);
      switch (tag) {
        case 1 << 3 | LEN ->
            readAttribute(r, r.readLength(end, EXP_POINT[1]), p.attributes(), 0);
        case 2 << 3 | I64 -> p.setStartTimeUnixNano(r.readFixed64(end, EXP_POINT[2]));
        case 3 << 3 | I64 -> p.setTimeUnixNano(r.readFixed64(end, EXP_POINT[3]));
        case 4 << 3 | I64 -> p.setCount(r.readFixed64(end, EXP_POINT[4]));
        case 5 << 3 | I64 -> p.setSum(r.readDouble(end, EXP_POINT[5]));
        case 6 << 3 | VARINT -> p.setScale(r.readSInt32(end, EXP_POINT[6]));
        case 7 << 3 | I64 -> p.setZeroCount(r.readFixed64(end, EXP_POINT[7]));
        case 8 << 3 | LEN -> {
          long[] counts = readBuckets(r, r.readLength(end, EXP_POINT[8]));
          p.setPositive((int) r.valueBits, counts);
        }
        case 9 << 3 | LEN -> {
          long[] counts = readBuckets(r, r.readLength(end, EXP_POINT[9]));
          p.setNegative((int) r.valueBits, counts);
        }
        case 10 << 3 | VARINT -> p.setFlags(r.readInt32(end, EXP_POINT[10]));
        case 11 << 3 | LEN -> r.pos = r.readLength(end, EXP_POINT[11]);
        case 12 << 3 | I64 -> p.setMin(r.readDouble(end, EXP_POINT[12]));
        case 13 << 3 | I64 -> p.setMax(r.readDouble(end, EXP_POINT[13]));
        case 14 << 3 | I64 -> p.setZeroThreshold(r.readDouble(end, EXP_POINT[14]));
        default -> r.skipField(tag, end, EXP_POINT);
      }
    }
  }

  /** Reads a Buckets message: returns the counts, leaves the offset in {@code valueBits}. */
  private static long[] readBuckets(ProtoReader r, int end) throws OtlpFormatException {
    r.longCount = 0;
    int offset = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, BUCKETS[0]);
      switch (tag) {
        case 1 << 3 | VARINT -> offset = r.readSInt32(end, BUCKETS[1]);
        case 2 << 3 | LEN, 2 << 3 | VARINT -> r.readVarints(tag, end, BUCKETS[2]);
        default -> r.skipField(tag, end, BUCKETS);
      }
    }
    r.valueBits = offset;
    return Arrays.copyOf(r.longs, r.longCount);
  }

  private void readSummaryPoint(ProtoReader r, int end, SummaryDataPoint p)
      throws OtlpFormatException {
    r.doubleCount = 0;
    r.double2Count = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, SUMMARY_POINT[0]);
      switch (tag) {
        case 2 << 3 | I64 -> p.setStartTimeUnixNano(r.readFixed64(end, SUMMARY_POINT[2]));
        case 3 << 3 | I64 -> p.setTimeUnixNano(r.readFixed64(end, SUMMARY_POINT[3]));
        case 4 << 3 | I64 -> p.setCount(r.readFixed64(end, SUMMARY_POINT[4]));
        case 5 << 3 | I64 -> p.setSum(r.readDouble(end, SUMMARY_POINT[5]));
        case 6 << 3 | LEN -> {
          int stop = r.readLength(end, SUMMARY_POINT[6]);
          double quantile = 0;
          double value = 0;
          while (r.pos < stop) {
            int t = r.readTag(stop, QUANTILE[0]);
            switch (t) {
              case 1 << 3 | I64 -> quantile = r.readDouble(stop, QUANTILE[1]);
              case 2 << 3 | I64 -> value = r.readDouble(stop, QUANTILE[2]);
              default -> r.skipField(t, stop, QUANTILE);
            }
          }
          r.appendDouble(quantile);
          r.appendDouble2(value);
        }
        case 7 << 3 | LEN ->
            readAttribute(r, r.readLength(end, SUMMARY_POINT[7]), p.attributes(), 0);
        case 8 << 3 | VARINT -> p.setFlags(r.readInt32(end, SUMMARY_POINT[8]));
        default -> r.skipField(tag, end, SUMMARY_POINT);
      }
    }
    if (r.doubleCount > 0) {
      p.setQuantileValues(
          Arrays.copyOf(r.doubles, r.doubleCount), Arrays.copyOf(r.doubles2, r.double2Count));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Traces

  private void readSpan(ProtoReader r, int end, Span span) throws OtlpFormatException {
    StatusCode code = StatusCode.UNSET;
    String message = "";
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, SPAN[0]);
      switch (tag) {
        case 1 << 3 | LEN -> span.setTraceId(r.readId(end, SPAN[1], r.traceId));
        case 2 << 3 | LEN -> span.setSpanId(r.readId(end, SPAN[2], r.spanId));
        case 3 << 3 | LEN -> span.setTraceState(r.readString(end, SPAN[3]));
        case 4 << 3 | LEN -> span.setParentSpanId(r.readId(end, SPAN[4], r.spanId));
        case 5 << 3 | LEN -> span.setName(r.readString(end, SPAN[5]));
        case 6 << 3 | VARINT -> {
          int k = r.readInt32(end, SPAN[6]);
          span.setKind(k >= 0 && k < KINDS.length ? KINDS[k] : SpanKind.UNSPECIFIED);
        }
        case 7 << 3 | I64 -> span.setStartTimeUnixNano(r.readFixed64(end, SPAN[7]));
        case 8 << 3 | I64 -> span.setEndTimeUnixNano(r.readFixed64(end, SPAN[8]));
        case 9 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, SPAN[9]),
            span.attributes(), maxAttributes);
        case 10 << 3 | VARINT -> span.setDroppedAttributesCount(r.readInt32(end, SPAN[10]));
        case 11 << 3 | LEN ->
            readEvent(r, r.readLength(end, SPAN[11]), span.events().appendEmpty());
        case 12 << 3 | VARINT -> span.setDroppedEventsCount(r.readInt32(end, SPAN[12]));
        case 13 << 3 | LEN ->
            readLink(r, r.readLength(end, SPAN[13]), span.links().appendEmpty());
        case 14 << 3 | VARINT -> span.setDroppedLinksCount(r.readInt32(end, SPAN[14]));
        case 15 << 3 | LEN -> {
          int stop = r.readLength(end, SPAN[15]);
          code = StatusCode.UNSET;
          message = "";
          while (r.pos < stop) {
            int t = r.readTag(stop, STATUS[0]);
            switch (t) {
              case 2 << 3 | LEN -> message = r.readString(stop, STATUS[2]);
              case 3 << 3 | VARINT -> {
                int c = r.readInt32(stop, STATUS[3]);
                code = c >= 0 && c < CODES.length ? CODES[c] : StatusCode.UNSET;
              }
              default -> r.skipField(t, stop, STATUS);
            }
          }
        }
        case 16 << 3 | I32 -> span.setFlags(r.readFixed32(end, SPAN[16]));
        default -> r.skipField(tag, end, SPAN);
      }
    }
    if (code != StatusCode.UNSET || !message.isEmpty()) {
      span.setStatus(code, message);
    }
    if (dropped > 0) {
      span.setDroppedAttributesCount(
          AttributeCap.addDropped(span.droppedAttributesCount(), dropped));
    }
  }

  private void readEvent(ProtoReader r, int end, SpanEvent event) throws OtlpFormatException {
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, EVENT[0]);
      switch (tag) {
        case 1 << 3 | I64 -> event.setTimeUnixNano(r.readFixed64(end, EVENT[1]));
        case 2 << 3 | LEN -> event.setName(r.readString(end, EVENT[2]));
        case 3 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, EVENT[3]),
            event.attributes(), maxAttributes);
        case 4 << 3 | VARINT -> event.setDroppedAttributesCount(r.readInt32(end, EVENT[4]));
        default -> r.skipField(tag, end, EVENT);
      }
    }
    if (dropped > 0) {
      event.setDroppedAttributesCount(
          AttributeCap.addDropped(event.droppedAttributesCount(), dropped));
    }
  }

  private void readLink(ProtoReader r, int end, SpanLink link) throws OtlpFormatException {
    int dropped = 0;
    while (r.pos < end) {
      int tag = r.readTag(end, LINK[0]);
      switch (tag) {
        case 1 << 3 | LEN -> link.setTraceId(r.readId(end, LINK[1], r.traceId));
        case 2 << 3 | LEN -> link.setSpanId(r.readId(end, LINK[2], r.spanId));
        case 3 << 3 | LEN -> link.setTraceState(r.readString(end, LINK[3]));
        case 4 << 3 | LEN -> dropped += readAttribute(r, r.readLength(end, LINK[4]),
            link.attributes(), maxAttributes);
        case 5 << 3 | VARINT -> link.setDroppedAttributesCount(r.readInt32(end, LINK[5]));
        case 6 << 3 | I32 -> link.setFlags(r.readFixed32(end, LINK[6]));
        default -> r.skipField(tag, end, LINK);
      }
    }
    if (dropped > 0) {
      link.setDroppedAttributesCount(
          AttributeCap.addDropped(link.droppedAttributesCount(), dropped));
    }
  }

  private static String[] names(String message, Object... numbersAndNames) {
    int max = 0;
    for (int i = 0; i < numbersAndNames.length; i += 2) {
      max = Math.max(max, (Integer) numbersAndNames[i]);
    }
    String[] names = new String[max + 1];
    names[0] = message;
    for (int i = 0; i < numbersAndNames.length; i += 2) {
      names[(Integer) numbersAndNames[i]] = message + "." + numbersAndNames[i + 1];
    }
    return names;
  }
}
