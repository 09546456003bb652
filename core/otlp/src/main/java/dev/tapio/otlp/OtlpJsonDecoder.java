package dev.tapio.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the OTLP JSON encoding of {@code ExportLogsServiceRequest},
 * {@code ExportMetricsServiceRequest} and {@code ExportTraceServiceRequest}
 * (opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) into pdata, streaming with
 * jackson-core's {@link JsonParser}: the pdata tree is built while parsing, with no intermediate
 * JSON tree.
 *
 * <p>Accepts what the spec and the proto3 JSON mapping allow: lowerCamelCase keys and the proto
 * field names (snake_case); trace and span ids as hex of either case, the empty string meaning
 * absent; enums as numbers or value names ({@code "SPAN_KIND_SERVER"}); 64-bit integers as
 * decimal strings or numbers; 32-bit integers and doubles as numbers or numeric strings, doubles
 * also as {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}; {@code bytes} as standard or
 * URL-safe base64, padding optional; {@code null} for any field as its default. Unknown keys are
 * skipped with whatever value they hold, as the OTLP spec requires.
 *
 * <p>Strict and bounded, because its input comes from the network: a request larger than the
 * maximum message size is refused before it is looked at; the input must be valid UTF-8 (no
 * overlong forms, no surrogates) and one JSON object with nothing after it; AnyValue arrays and
 * maps nested deeper than the maximum depth are refused, and jackson's
 * {@link StreamReadConstraints} bound the JSON nesting (which covers unknown keys' values),
 * string, name and number lengths. Anything malformed (wrong JSON type for a field, an id of the
 * wrong length, a number out of its field's range or not an integer where one is required, an
 * AnyValue with two values, a {@code null} element in an array, histogram bucket counts that do
 * not match the bounds) raises an {@link OtlpFormatException} naming the JSON path (e.g.
 * {@code resourceLogs[0].scopeLogs[2].logRecords[5].traceId}, keys as written in the input) and
 * the byte offset, and nothing else is thrown.
 *
 * <p>Where pdata is narrower than the protocol, values are mapped as {@link OtlpDecoder} maps
 * them: enum numbers outside their enum, and enum names not known here, become the unspecified
 * value; exemplars, metric metadata and resource entity refs are dropped; a repeated attribute
 * key keeps its last value; when a singular field occurs twice, the last occurrence wins. A cap
 * on attributes per record works as {@link OtlpDecoder}'s does.
 *
 * <p>Immutable and thread-safe.
 */
public final class OtlpJsonDecoder implements OtlpRequestDecoder {
  /** JSON levels from the request object down to a data point's attribute value. */
  private static final int STRUCTURE_DEPTH = 16;
  /** JSON levels one AnyValue map adds (kvlistValue, values, KeyValue, value). */
  private static final int LEVELS_PER_ANY_VALUE = 4;
  /** Room for unknown keys holding structures of their own. */
  private static final int UNKNOWN_DEPTH = 16;
  /** A numeric string longer than this is no number a field here can hold. */
  private static final int MAX_NUMERIC_STRING = 64;
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final Map<String, Integer> ENUM_NAMES = enumNames();
  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] CODES = StatusCode.values();
  private static final AggregationTemporality[] TEMPORALITIES = AggregationTemporality.values();

  /** Appends one item (a log record, metric or span) to a scope and reads it. */
  private interface ItemReader<S> {
    void read(Run run, S scope) throws IOException, OtlpFormatException;
  }

  /** A signal's JSON names at the resource, scope and item levels, and its item reader. */
  private record Shape<S>(String resources, String resourcesSnake, String scopes,
      String scopesSnake, String items, String itemsSnake, ItemReader<S> reader) {}

  private static final Shape<ScopeLogs> LOGS = new Shape<>("resourceLogs", "resource_logs",
      "scopeLogs", "scope_logs", "logRecords", "log_records",
      (run, scope) -> run.logRecord(scope.logRecords().appendEmpty()));
  private static final Shape<ScopeMetrics> METRICS = new Shape<>("resourceMetrics",
      "resource_metrics", "scopeMetrics", "scope_metrics", "metrics", "metrics",
      (run, scope) -> run.metric(scope.metrics().appendEmpty()));
  private static final Shape<ScopeSpans> TRACES = new Shape<>("resourceSpans", "resource_spans",
      "scopeSpans", "scope_spans", "spans", "spans",
      (run, scope) -> run.span(scope.spans().appendEmpty()));

  private final int maxMessageSize;
  private final int maxNestingDepth;
  private final int maxAttributes;
  private final JsonFactory factory;

  /**
   * A decoder with {@link OtlpDecoder#DEFAULT_MAX_MESSAGE_SIZE} and
   * {@link OtlpDecoder#DEFAULT_MAX_NESTING_DEPTH}.
   */
  public OtlpJsonDecoder() {
    this(OtlpDecoder.DEFAULT_MAX_MESSAGE_SIZE, OtlpDecoder.DEFAULT_MAX_NESTING_DEPTH);
  }

  /**
   * @param maxMessageSize the largest request accepted, in bytes
   * @param maxNestingDepth how deep AnyValue arrays and maps may nest (1: an array of scalars),
   *     as for {@link OtlpDecoder}; the JSON nesting allowed follows from it
   */
  public OtlpJsonDecoder(int maxMessageSize, int maxNestingDepth) {
    this(maxMessageSize, maxNestingDepth, 0);
  }

  /**
   * @param maxMessageSize the largest request accepted, in bytes
   * @param maxNestingDepth how deep AnyValue arrays and maps may nest, as for {@link
   *     OtlpDecoder}
   * @param maxAttributesPerRecord the most attributes kept per resource, scope, log record,
   *     span, event and link, the rest counted as dropped (see {@link OtlpDecoder}); 0 for no cap
   */
  public OtlpJsonDecoder(int maxMessageSize, int maxNestingDepth, int maxAttributesPerRecord) {
    if (maxMessageSize < 0 || maxNestingDepth < 0 || maxAttributesPerRecord < 0) {
      throw new IllegalArgumentException("limits must be >= 0: " + maxMessageSize + ", "
          + maxNestingDepth + ", " + maxAttributesPerRecord);
    }
    this.maxMessageSize = maxMessageSize;
    this.maxNestingDepth = maxNestingDepth;
    this.maxAttributes = maxAttributesPerRecord;
    int jsonDepth = (int) Math.min(Integer.MAX_VALUE,
        STRUCTURE_DEPTH + UNKNOWN_DEPTH + (long) LEVELS_PER_ANY_VALUE * maxNestingDepth);
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(jsonDepth)
        .maxDocumentLength(maxMessageSize)
        .maxStringLength(Math.max(1, maxMessageSize))
        .maxNameLength(Math.max(1, Math.min(maxMessageSize, 64 * 1024)))
        .maxNumberLength(MAX_NUMERIC_STRING * 4)
        .build();
    // Field names are canonicalised (so the switches below compare them cheaply) but not
    // interned: the JVM's string table is no place for names a client makes up. RFC 8259 JSON
    // is UTF-8; no guessing at UTF-16 or UTF-32.
    this.factory = JsonFactory.builder()
        .streamReadConstraints(constraints)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .disable(JsonFactory.Feature.CHARSET_DETECTION)
        .build();
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
    try (Run run = open(request, offset, length, "ExportLogsServiceRequest")) {
      run.request(into.resourceLogs(), LOGS);
      return run.droppedAttributes;
    }
  }

  public Metrics decodeMetrics(byte[] request) throws OtlpFormatException {
    Metrics metrics = new Metrics();
    decodeMetrics(request, 0, request.length, metrics);
    return metrics;
  }

  @Override
  public int decodeMetrics(byte[] request, int offset, int length, Metrics into)
      throws OtlpFormatException {
    try (Run run = open(request, offset, length, "ExportMetricsServiceRequest")) {
      run.request(into.resourceMetrics(), METRICS);
      return run.droppedAttributes;
    }
  }

  public Traces decodeTraces(byte[] request) throws OtlpFormatException {
    Traces traces = new Traces();
    decodeTraces(request, 0, request.length, traces);
    return traces;
  }

  @Override
  public int decodeTraces(byte[] request, int offset, int length, Traces into)
      throws OtlpFormatException {
    try (Run run = open(request, offset, length, "ExportTraceServiceRequest")) {
      run.request(into.resourceSpans(), TRACES);
      return run.droppedAttributes;
    }
  }

  private Run open(byte[] request, int offset, int length, String message)
      throws OtlpFormatException {
    if (offset < 0 || length < 0 || offset > request.length - length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", array " + request.length);
    }
    if (length > maxMessageSize) {
      throw new OtlpFormatException(message, 0,
          "request of " + length + " bytes exceeds the maximum of " + maxMessageSize);
    }
    int bad = invalidUtf8(request, offset, offset + length);
    if (bad >= 0) {
      throw new OtlpFormatException(message, bad - offset, String.format(
          "invalid UTF-8 (byte 0x%02x)", request[bad] & 0xff));
    }
    try {
      return new Run(factory.createParser(request, offset, length), message);
    } catch (IOException e) {
      throw new OtlpFormatException(message, 0, "cannot read: " + e.getMessage());
    }
  }

  /**
   * The index of the first byte that is not part of well-formed UTF-8 (RFC 3629: shortest form,
   * no surrogates, at most U+10FFFF), or -1. ASCII, most of any OTLP JSON, goes eight bytes at a
   * time.
   */
  static int invalidUtf8(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      if (i + 8 <= to && ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0) {
        i += 8;
        continue;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xff;
      if (c < 0xC2 || c > 0xF4) {
        return i; // a continuation byte, an overlong two-byte lead, or no UTF-8 lead at all
      }
      int n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (i + n > to) {
        return i;
      }
      int c1 = b[i + 1] & 0xff;
      if ((c1 & 0xC0) != 0x80
          || (c == 0xE0 && c1 < 0xA0) // overlong
          || (c == 0xED && c1 >= 0xA0) // a surrogate
          || (c == 0xF0 && c1 < 0x90) // overlong
          || (c == 0xF4 && c1 >= 0x90)) { // beyond U+10FFFF
        return i;
      }
      for (int k = 2; k < n; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += n;
    }
    return -1;
  }

  /**
   * One decoding: the parser, the reused scratch arrays, and the AnyValue just read (kept in
   * fields so that scalar attributes go into pdata unboxed). Confined to the calling thread.
   */
  private final class Run implements AutoCloseable {
    private final JsonParser p;
    private final String message;
    private final byte[] traceId = new byte[16];
    private final byte[] spanId = new byte[8];
    private long[] longs = new long[16];
    private int longCount;
    private double[] doubles = new double[16];
    private int doubleCount;
    private double[] doubles2 = new double[16];
    private int double2Count;
    /** Where points wait while their metric's type is set again (see {@link #reorder}). */
    private Metric parking;

    private ValueType valueType;
    private long valueBits;
    private Object valueRef;
    /** Attributes the cap has kept out so far in this request. */
    private int droppedAttributes;

    Run(JsonParser p, String message) {
      this.p = p;
      this.message = message;
    }

    @Override
    public void close() {
      try {
        p.close();
      } catch (IOException ignored) {
        // A byte-array source has nothing to release that could fail.
      }
    }

    // -------------------------------------------------------------------------------------
    // Request, resource and scope levels

    /**
     * One request: {@code resources} is the request's list of the signal's resource groups,
     * read as {@code shape} names them.
     */
    <S extends ScopeEntry<?>, R extends ResourceEntry<S>> void request(PList<R> resources,
        Shape<S> shape) throws OtlpFormatException {
      try {
        beginRequest();
        String f;
        while ((f = nextField()) != null) {
          if (f.equals(shape.resources) || f.equals(shape.resourcesSnake)) {
            beginArray();
            while (nextElement()) {
              resourceEntry(resources.appendEmpty(), shape);
            }
          } else {
            p.skipChildren();
          }
        }
        endRequest();
      } catch (IOException e) {
        throw jsonError(e);
      }
    }

    private void beginRequest() throws IOException, OtlpFormatException {
      if (p.nextToken() == null) {
        throw error("empty request; expected a JSON object");
      }
      beginObject();
    }

    private void endRequest() throws IOException, OtlpFormatException {
      if (p.nextToken() != null) {
        throw error("data after the request object");
      }
    }

    private <S extends ScopeEntry<?>> void resourceEntry(ResourceEntry<S> entry,
        Shape<S> shape) throws IOException, OtlpFormatException {
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        if (f.equals("resource")) {
          resource(entry);
        } else if (f.equals(shape.scopes) || f.equals(shape.scopesSnake)) {
          beginArray();
          while (nextElement()) {
            scopeEntry(entry.scopes().appendEmpty(), shape);
          }
        } else if (f.equals("schemaUrl") || f.equals("schema_url")) {
          entry.setSchemaUrl(string());
        } else {
          p.skipChildren();
        }
      }
    }

    private <S extends ScopeEntry<?>> void scopeEntry(S entry, Shape<S> shape)
        throws IOException, OtlpFormatException {
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        if (f.equals("scope")) {
          scope(entry);
        } else if (f.equals(shape.items) || f.equals(shape.itemsSnake)) {
          beginArray();
          while (nextElement()) {
            shape.reader.read(this, entry);
          }
        } else if (f.equals("schemaUrl") || f.equals("schema_url")) {
          entry.setSchemaUrl(string());
        } else {
          p.skipChildren();
        }
      }
    }

    private void resource(ResourceEntry<?> entry) throws IOException, OtlpFormatException {
      Resource resource = entry.resource();
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "attributes" -> dropped += attributes(resource.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              resource.setDroppedAttributesCount(uint32());
          default -> p.skipChildren(); // entityRefs among them: pdata has no place for them
        }
      }
      if (dropped > 0) {
        resource.setDroppedAttributesCount(
            AttributeCap.addDropped(resource.droppedAttributesCount(), dropped));
      }
    }

    private void scope(ScopeEntry<?> entry) throws IOException, OtlpFormatException {
      Scope scope = entry.scope();
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "name" -> scope.setName(string());
          case "version" -> scope.setVersion(string());
          case "attributes" -> dropped += attributes(scope.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              scope.setDroppedAttributesCount(uint32());
          default -> p.skipChildren();
        }
      }
      if (dropped > 0) {
        scope.setDroppedAttributesCount(
            AttributeCap.addDropped(scope.droppedAttributesCount(), dropped));
      }
    }

    // -------------------------------------------------------------------------------------
    // Attributes and AnyValue

    /**
     * A {@code repeated KeyValue}, each put into {@code into} (scalars unboxed) unless a cap of
     * {@code cap} attributes (0: none) keeps it out; returns how many it kept out.
     */
    private int attributes(Attributes into, int cap) throws IOException, OtlpFormatException {
      int dropped = 0;
      beginArray();
      while (nextElement()) {
        beginObject();
        String key = "";
        valueType = ValueType.EMPTY;
        valueRef = null;
        String f;
        while ((f = nextField()) != null) {
          switch (f) {
            case "key" -> key = string();
            case "value" -> anyValue(0);
            default -> p.skipChildren();
          }
        }
        if (!AttributeCap.admits(into, key, cap)) {
          dropped++;
          continue;
        }
        switch (valueType) {
          case STRING -> into.putString(key, (String) valueRef);
          case BOOL -> into.putBool(key, valueBits != 0);
          case LONG -> into.putLong(key, valueBits);
          case DOUBLE -> into.putDouble(key, Double.longBitsToDouble(valueBits));
          case EMPTY -> into.put(key, AnyValue.EMPTY);
          default -> into.put(key, (AnyValue) valueRef);
        }
      }
      droppedAttributes += dropped;
      return dropped;
    }

    /**
     * Reads an AnyValue object into the value fields; {@code {}} is the empty value.
     * {@code depth} counts the arrays and maps around it.
     */
    private void anyValue(int depth) throws IOException, OtlpFormatException {
      beginObject();
      ValueType type = ValueType.EMPTY;
      long bits = 0;
      Object ref = null;
      String f;
      while ((f = nextField()) != null) {
        ValueType read;
        switch (f) {
          case "stringValue", "string_value" -> {
            read = ValueType.STRING;
            ref = string();
          }
          case "boolValue", "bool_value" -> {
            read = ValueType.BOOL;
            bits = bool() ? 1 : 0;
          }
          case "intValue", "int_value" -> {
            read = ValueType.LONG;
            bits = int64();
          }
          case "doubleValue", "double_value" -> {
            read = ValueType.DOUBLE;
            bits = Double.doubleToRawLongBits(float64());
          }
          case "bytesValue", "bytes_value" -> {
            read = ValueType.BYTES;
            ref = AnyValue.ofBytes(base64());
          }
          case "arrayValue", "array_value" -> {
            checkDepth(depth);
            read = ValueType.ARRAY;
            ref = arrayValue(depth + 1);
          }
          case "kvlistValue", "kvlist_value" -> {
            checkDepth(depth);
            read = ValueType.MAP;
            ref = keyValueList(depth + 1);
          }
          default -> {
            p.skipChildren();
            continue;
          }
        }
        if (type != ValueType.EMPTY) {
          throw error("an AnyValue holds one value; it has a " + type + " already");
        }
        type = read;
      }
      valueType = type;
      valueBits = bits;
      valueRef = ref;
    }

    private void checkDepth(int depth) throws OtlpFormatException {
      if (depth >= maxNestingDepth) {
        throw error("arrays and maps nested deeper than " + maxNestingDepth);
      }
    }

    /** The value the value fields hold, as an AnyValue. */
    private AnyValue currentValue() {
      return switch (valueType) {
        case EMPTY -> AnyValue.EMPTY;
        case STRING -> AnyValue.of((String) valueRef);
        case BOOL -> AnyValue.of(valueBits != 0);
        case LONG -> AnyValue.of(valueBits);
        case DOUBLE -> AnyValue.of(Double.longBitsToDouble(valueBits));
        default -> (AnyValue) valueRef;
      };
    }

    private AnyValue arrayValue(int depth) throws IOException, OtlpFormatException {
      beginObject();
      List<AnyValue> values = new ArrayList<>();
      String f;
      while ((f = nextField()) != null) {
        if (f.equals("values")) {
          values.clear();
          beginArray();
          while (nextElement()) {
            anyValue(depth);
            values.add(currentValue());
          }
        } else {
          p.skipChildren();
        }
      }
      return AnyValue.ofArray(values);
    }

    private AnyValue keyValueList(int depth) throws IOException, OtlpFormatException {
      beginObject();
      Map<String, AnyValue> values = new LinkedHashMap<>();
      String f;
      while ((f = nextField()) != null) {
        if (f.equals("values")) {
          values.clear();
          beginArray();
          while (nextElement()) {
            beginObject();
            String key = "";
            AnyValue value = AnyValue.EMPTY;
            String g;
            while ((g = nextField()) != null) {
              switch (g) {
                case "key" -> key = string();
                case "value" -> {
                  anyValue(depth);
                  value = currentValue();
                }
                default -> p.skipChildren();
              }
            }
            values.put(key, value);
          }
        } else {
          p.skipChildren();
        }
      }
      return AnyValue.ofMap(values);
    }

    // -------------------------------------------------------------------------------------
    // Logs

    private void logRecord(LogRecord r) throws IOException, OtlpFormatException {
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "timeUnixNano", "time_unix_nano" -> r.setTimeUnixNano(uint64());
          case "observedTimeUnixNano", "observed_time_unix_nano" ->
              r.setObservedTimeUnixNano(uint64());
          case "severityNumber", "severity_number" ->
              r.setSeverity(Severity.ofNumber(enumNumber("SEVERITY_NUMBER_")));
          case "severityText", "severity_text" -> r.setSeverityText(string());
          case "body" -> {
            anyValue(0);
            if (valueType == ValueType.STRING) {
              r.setBody((String) valueRef);
            } else {
              r.setBody(currentValue());
            }
          }
          case "attributes" -> dropped += attributes(r.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              r.setDroppedAttributesCount(uint32());
          case "flags" -> r.setFlags(uint32());
          case "traceId", "trace_id" -> r.setTraceId(id(traceId, "trace id"));
          case "spanId", "span_id" -> r.setSpanId(id(spanId, "span id"));
          case "eventName", "event_name" -> r.setEventName(string());
          default -> p.skipChildren();
        }
      }
      if (dropped > 0) {
        r.setDroppedAttributesCount(AttributeCap.addDropped(r.droppedAttributesCount(), dropped));
      }
    }

    // -------------------------------------------------------------------------------------
    // Metrics

    private void metric(Metric metric) throws IOException, OtlpFormatException {
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "name" -> metric.setName(string());
          case "description" -> metric.setDescription(string());
          case "unit" -> metric.setUnit(string());
          case "gauge" -> {
            PList<NumberDataPoint> points = metric.setGauge();
            beginObject();
            String g;
            while ((g = nextField()) != null) {
              if (g.equals("dataPoints") || g.equals("data_points")) {
                beginArray();
                while (nextElement()) {
                  numberPoint(points.appendEmpty());
                }
              } else {
                p.skipChildren();
              }
            }
          }
          case "sum" -> sum(metric);
          case "histogram" -> histogram(metric);
          case "exponentialHistogram", "exponential_histogram" -> exponentialHistogram(metric);
          case "summary" -> {
            PList<SummaryDataPoint> points = metric.setSummary();
            beginObject();
            String g;
            while ((g = nextField()) != null) {
              if (g.equals("dataPoints") || g.equals("data_points")) {
                beginArray();
                while (nextElement()) {
                  summaryPoint(points.appendEmpty());
                }
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren(); // metadata among them: pdata has no place for it
        }
      }
    }

    private void sum(Metric metric) throws IOException, OtlpFormatException {
      PList<NumberDataPoint> points =
          metric.setSum(AggregationTemporality.UNSPECIFIED, false);
      AggregationTemporality temporality = AggregationTemporality.UNSPECIFIED;
      boolean monotonic = false;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "dataPoints", "data_points" -> {
            beginArray();
            while (nextElement()) {
              numberPoint(points.appendEmpty());
            }
          }
          case "aggregationTemporality", "aggregation_temporality" ->
              temporality = temporality();
          case "isMonotonic", "is_monotonic" -> monotonic = bool();
          default -> p.skipChildren();
        }
      }
      if (temporality != AggregationTemporality.UNSPECIFIED || monotonic) {
        PList<NumberDataPoint> parked = parking().setGauge();
        points.moveAllTo(parked);
        parked.moveAllTo(metric.setSum(temporality, monotonic));
      }
    }

    private void histogram(Metric metric) throws IOException, OtlpFormatException {
      PList<HistogramDataPoint> points = metric.setHistogram(AggregationTemporality.UNSPECIFIED);
      AggregationTemporality temporality = AggregationTemporality.UNSPECIFIED;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "dataPoints", "data_points" -> {
            beginArray();
            while (nextElement()) {
              histogramPoint(points.appendEmpty());
            }
          }
          case "aggregationTemporality", "aggregation_temporality" ->
              temporality = temporality();
          default -> p.skipChildren();
        }
      }
      if (temporality != AggregationTemporality.UNSPECIFIED) {
        PList<HistogramDataPoint> parked =
            parking().setHistogram(AggregationTemporality.UNSPECIFIED);
        points.moveAllTo(parked);
        parked.moveAllTo(metric.setHistogram(temporality));
      }
    }

    private void exponentialHistogram(Metric metric) throws IOException, OtlpFormatException {
      PList<ExponentialHistogramDataPoint> points =
          metric.setExponentialHistogram(AggregationTemporality.UNSPECIFIED);
      AggregationTemporality temporality = AggregationTemporality.UNSPECIFIED;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "dataPoints", "data_points" -> {
            beginArray();
            while (nextElement()) {
              exponentialPoint(points.appendEmpty());
            }
          }
          case "aggregationTemporality", "aggregation_temporality" ->
              temporality = temporality();
          default -> p.skipChildren();
        }
      }
      if (temporality != AggregationTemporality.UNSPECIFIED) {
        PList<ExponentialHistogramDataPoint> parked =
            parking().setExponentialHistogram(AggregationTemporality.UNSPECIFIED);
        points.moveAllTo(parked);
        parked.moveAllTo(metric.setExponentialHistogram(temporality));
      }
    }

    /**
     * A metric of another tree, to hold points while their own metric's type is set again. The
     * temporality (and monotonicity) can come after the points, as it does in field-number order,
     * but pdata takes it only with the type, which clears the points.
     */
    private Metric parking() {
      if (parking == null) {
        parking = new Metrics().resourceMetrics().appendEmpty().scopeMetrics().appendEmpty()
            .metrics().appendEmpty();
      }
      return parking;
    }

    private AggregationTemporality temporality() throws IOException, OtlpFormatException {
      int t = enumNumber("AGGREGATION_TEMPORALITY_");
      return t >= 0 && t < TEMPORALITIES.length ? TEMPORALITIES[t]
          : AggregationTemporality.UNSPECIFIED;
    }

    private void numberPoint(NumberDataPoint point) throws IOException, OtlpFormatException {
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "attributes" -> attributes(point.attributes(), 0);
          case "startTimeUnixNano", "start_time_unix_nano" ->
              point.setStartTimeUnixNano(uint64());
          case "timeUnixNano", "time_unix_nano" -> point.setTimeUnixNano(uint64());
          case "asDouble", "as_double" -> point.setDoubleValue(float64());
          case "asInt", "as_int" -> point.setLongValue(int64());
          case "flags" -> point.setFlags(uint32());
          default -> p.skipChildren(); // exemplars among them: pdata has no place for them
        }
      }
    }

    private void histogramPoint(HistogramDataPoint point)
        throws IOException, OtlpFormatException {
      longCount = 0;
      doubleCount = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "attributes" -> attributes(point.attributes(), 0);
          case "startTimeUnixNano", "start_time_unix_nano" ->
              point.setStartTimeUnixNano(uint64());
          case "timeUnixNano", "time_unix_nano" -> point.setTimeUnixNano(uint64());
          case "count" -> point.setCount(uint64());
          case "sum" -> point.setSum(float64());
          case "bucketCounts", "bucket_counts" -> uint64s();
          case "explicitBounds", "explicit_bounds" -> {
            doubleCount = 0;
            beginArray();
            while (nextElement()) {
              appendDouble(float64());
            }
          }
          case "min" -> point.setMin(float64());
          case "max" -> point.setMax(float64());
          case "flags" -> point.setFlags(uint32());
          default -> p.skipChildren();
        }
      }
      // Counts without bounds would be one bucket; bounds without counts carry nothing.
      if (longCount > 0) {
        if (longCount != doubleCount + 1) {
          throw error("bucketCounts", longCount + " bucket counts for " + doubleCount
              + " explicit bounds; expected one more count than bounds");
        }
        point.setBuckets(Arrays.copyOf(doubles, doubleCount), Arrays.copyOf(longs, longCount));
      }
    }

    private void exponentialPoint(ExponentialHistogramDataPoint point)
        throws IOException, OtlpFormatException {
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "attributes" -> attributes(point.attributes(), 0);
          case "startTimeUnixNano", "start_time_unix_nano" ->
              point.setStartTimeUnixNano(uint64());
          case "timeUnixNano", "time_unix_nano" -> point.setTimeUnixNano(uint64());
          case "count" -> point.setCount(uint64());
          case "sum" -> point.setSum(float64());
          case "scale" -> point.setScale(int32());
          case "zeroCount", "zero_count" -> point.setZeroCount(uint64());
          case "positive" -> {
            int offset = buckets();
            point.setPositive(offset, Arrays.copyOf(longs, longCount));
          }
          case "negative" -> {
            int offset = buckets();
            point.setNegative(offset, Arrays.copyOf(longs, longCount));
          }
          case "min" -> point.setMin(float64());
          case "max" -> point.setMax(float64());
          case "zeroThreshold", "zero_threshold" -> point.setZeroThreshold(float64());
          case "flags" -> point.setFlags(uint32());
          default -> p.skipChildren(); // exemplars among them
        }
      }
    }

    /** A Buckets object: returns the offset, leaves the counts in {@link #longs}. */
    private int buckets() throws IOException, OtlpFormatException {
      longCount = 0;
      int offset = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "offset" -> offset = int32();
          case "bucketCounts", "bucket_counts" -> uint64s();
          default -> p.skipChildren();
        }
      }
      return offset;
    }

    private void summaryPoint(SummaryDataPoint point) throws IOException, OtlpFormatException {
      doubleCount = 0;
      double2Count = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "attributes" -> attributes(point.attributes(), 0);
          case "startTimeUnixNano", "start_time_unix_nano" ->
              point.setStartTimeUnixNano(uint64());
          case "timeUnixNano", "time_unix_nano" -> point.setTimeUnixNano(uint64());
          case "count" -> point.setCount(uint64());
          case "sum" -> point.setSum(float64());
          case "quantileValues", "quantile_values" -> {
            doubleCount = 0;
            double2Count = 0;
            beginArray();
            while (nextElement()) {
              double quantile = 0;
              double value = 0;
              beginObject();
              String g;
              while ((g = nextField()) != null) {
                switch (g) {
                  case "quantile" -> quantile = float64();
                  case "value" -> value = float64();
                  default -> p.skipChildren();
                }
              }
              appendDouble(quantile);
              if (double2Count == doubles2.length) {
                doubles2 = Arrays.copyOf(doubles2, double2Count * 2);
              }
              doubles2[double2Count++] = value;
            }
          }
          case "flags" -> point.setFlags(uint32());
          default -> p.skipChildren();
        }
      }
      if (doubleCount > 0) {
        point.setQuantileValues(
            Arrays.copyOf(doubles, doubleCount), Arrays.copyOf(doubles2, double2Count));
      }
    }

    /** A {@code repeated fixed64} into {@link #longs}, replacing what was there. */
    private void uint64s() throws IOException, OtlpFormatException {
      longCount = 0;
      beginArray();
      while (nextElement()) {
        long v = uint64();
        if (longCount == longs.length) {
          longs = Arrays.copyOf(longs, longCount * 2);
        }
        longs[longCount++] = v;
      }
    }

    private void appendDouble(double v) {
      if (doubleCount == doubles.length) {
        doubles = Arrays.copyOf(doubles, doubleCount * 2);
      }
      doubles[doubleCount++] = v;
    }

    // -------------------------------------------------------------------------------------
    // Traces

    private void span(Span span) throws IOException, OtlpFormatException {
      StatusCode code = StatusCode.UNSET;
      String statusMessage = "";
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "traceId", "trace_id" -> span.setTraceId(id(traceId, "trace id"));
          case "spanId", "span_id" -> span.setSpanId(id(spanId, "span id"));
          case "traceState", "trace_state" -> span.setTraceState(string());
          case "parentSpanId", "parent_span_id" -> span.setParentSpanId(id(spanId, "span id"));
          case "flags" -> span.setFlags(uint32());
          case "name" -> span.setName(string());
          case "kind" -> {
            int k = enumNumber("SPAN_KIND_");
            span.setKind(k >= 0 && k < KINDS.length ? KINDS[k] : SpanKind.UNSPECIFIED);
          }
          case "startTimeUnixNano", "start_time_unix_nano" ->
              span.setStartTimeUnixNano(uint64());
          case "endTimeUnixNano", "end_time_unix_nano" -> span.setEndTimeUnixNano(uint64());
          case "attributes" -> dropped += attributes(span.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              span.setDroppedAttributesCount(uint32());
          case "events" -> {
            beginArray();
            while (nextElement()) {
              event(span.events().appendEmpty());
            }
          }
          case "droppedEventsCount", "dropped_events_count" ->
              span.setDroppedEventsCount(uint32());
          case "links" -> {
            beginArray();
            while (nextElement()) {
              link(span.links().appendEmpty());
            }
          }
          case "droppedLinksCount", "dropped_links_count" ->
              span.setDroppedLinksCount(uint32());
          case "status" -> {
            code = StatusCode.UNSET;
            statusMessage = "";
            beginObject();
            String g;
            while ((g = nextField()) != null) {
              switch (g) {
                case "message" -> statusMessage = string();
                case "code" -> {
                  int c = enumNumber("STATUS_CODE_");
                  code = c >= 0 && c < CODES.length ? CODES[c] : StatusCode.UNSET;
                }
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (code != StatusCode.UNSET || !statusMessage.isEmpty()) {
        span.setStatus(code, statusMessage);
      }
      if (dropped > 0) {
        span.setDroppedAttributesCount(
            AttributeCap.addDropped(span.droppedAttributesCount(), dropped));
      }
    }

    private void event(SpanEvent event) throws IOException, OtlpFormatException {
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "timeUnixNano", "time_unix_nano" -> event.setTimeUnixNano(uint64());
          case "name" -> event.setName(string());
          case "attributes" -> dropped += attributes(event.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              event.setDroppedAttributesCount(uint32());
          default -> p.skipChildren();
        }
      }
      if (dropped > 0) {
        event.setDroppedAttributesCount(
            AttributeCap.addDropped(event.droppedAttributesCount(), dropped));
      }
    }

    private void link(SpanLink link) throws IOException, OtlpFormatException {
      int dropped = 0;
      beginObject();
      String f;
      while ((f = nextField()) != null) {
        switch (f) {
          case "traceId", "trace_id" -> link.setTraceId(id(traceId, "trace id"));
          case "spanId", "span_id" -> link.setSpanId(id(spanId, "span id"));
          case "traceState", "trace_state" -> link.setTraceState(string());
          case "attributes" -> dropped += attributes(link.attributes(), maxAttributes);
          case "droppedAttributesCount", "dropped_attributes_count" ->
              link.setDroppedAttributesCount(uint32());
          case "flags" -> link.setFlags(uint32());
          default -> p.skipChildren();
        }
      }
      if (dropped > 0) {
        link.setDroppedAttributesCount(
            AttributeCap.addDropped(link.droppedAttributesCount(), dropped));
      }
    }

    // -------------------------------------------------------------------------------------
    // Structure

    /**
     * Moves to the next key of the current object and then to its value; returns the key, or
     * null at the end of the object. Keys whose value is {@code null} are passed over: null is
     * the default. The key is the parser's canonical instance, so switching on it is cheap.
     */
    private String nextField() throws IOException {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_NULL) {
          return name;
        }
      }
      return null; // END_OBJECT: the parser refuses anything else here
    }

    /** Moves to the next element of the current array; false at its end. */
    private boolean nextElement() throws IOException, OtlpFormatException {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        return false;
      }
      if (t == JsonToken.VALUE_NULL) {
        throw error("null is not allowed as an array element");
      }
      return true;
    }

    private void beginObject() throws OtlpFormatException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw error("expected an object, got " + describe(p.currentToken()));
      }
    }

    private void beginArray() throws OtlpFormatException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw error("expected an array, got " + describe(p.currentToken()));
      }
    }

    // -------------------------------------------------------------------------------------
    // Scalars

    private String string() throws IOException, OtlpFormatException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw error("expected a string, got " + describe(p.currentToken()));
      }
      return p.getText();
    }

    private boolean bool() throws IOException, OtlpFormatException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_TRUE) {
        return true;
      }
      if (t == JsonToken.VALUE_FALSE) {
        return false;
      }
      if (t == JsonToken.VALUE_STRING) {
        String s = p.getText();
        if (s.equals("true")) {
          return true;
        }
        if (s.equals("false")) {
          return false;
        }
      }
      throw error("expected true or false, got " + describe(t));
    }

    /** A trace or span id in hex into {@code scratch}; null (absent) for the empty string. */
    private byte[] id(byte[] scratch, String what) throws IOException, OtlpFormatException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw error("expected a hex string, got " + describe(p.currentToken()));
      }
      char[] cs = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      if (len == 0) {
        return null;
      }
      if (len != scratch.length * 2) {
        throw error(what + " must be " + scratch.length * 2 + " hex digits, got " + len
            + " characters");
      }
      for (int i = 0; i < scratch.length; i++) {
        int hi = hexDigit(cs[off + 2 * i]);
        int lo = hexDigit(cs[off + 2 * i + 1]);
        if ((hi | lo) < 0) {
          throw error(what + " is not hex: \"" + new String(cs, off, len) + "\"");
        }
        scratch[i] = (byte) (hi << 4 | lo);
      }
      return scratch;
    }

    private byte[] base64() throws IOException, OtlpFormatException {
      String s = string();
      boolean urlSafe = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      try {
        return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
      } catch (IllegalArgumentException e) {
        throw error("not base64: " + e.getMessage());
      }
    }

    /**
     * An enum as its number or its value name (which starts with {@code prefix}, e.g.
     * {@code SPAN_KIND_}); names not known here are 0, the unspecified value, as a newer
     * sender's numbers are.
     */
    private int enumNumber(String prefix) throws IOException, OtlpFormatException {
      if (p.currentToken() == JsonToken.VALUE_STRING && !isNumeric()) {
        String name = p.getText();
        Integer n = ENUM_NAMES.get(name);
        return n != null && name.startsWith(prefix) ? n : 0;
      }
      return int32();
    }

    private boolean isNumeric() throws IOException {
      int len = p.getTextLength();
      if (len == 0) {
        return false;
      }
      char c = p.getTextCharacters()[p.getTextOffset()];
      return c == '-' || c == '+' || (c >= '0' && c <= '9');
    }

    private int int32() throws IOException, OtlpFormatException {
      long v = integer(false);
      if (v != (int) v) {
        throw error(v + " is out of the range of a 32-bit integer");
      }
      return (int) v;
    }

    /** A uint32 or fixed32, as pdata holds it: the bits in an int. */
    private int uint32() throws IOException, OtlpFormatException {
      long v = integer(false);
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw error(v + " is out of the range of an unsigned 32-bit integer");
      }
      return (int) v;
    }

    private long int64() throws IOException, OtlpFormatException {
      return integer(false);
    }

    /** A uint64 or fixed64, as pdata holds it: the bits in a long. */
    private long uint64() throws IOException, OtlpFormatException {
      return integer(true);
    }

    /**
     * An integer from a JSON number or a numeric string: signed 64-bit, or unsigned 64-bit when
     * {@code unsigned}. Canonical OTLP JSON writes 64-bit integers as decimal strings; those are
     * parsed from the parser's characters without a String. Exponents and fractions are accepted
     * when the value is an integer, as proto3 JSON parsers accept them.
     */
    private long integer(boolean unsigned) throws IOException, OtlpFormatException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
          long v = p.getLongValue();
          if (unsigned && v < 0) {
            throw error(v + " is negative; expected an unsigned integer");
          }
          return v;
        }
        return exact(new BigDecimal(p.getBigIntegerValue()), unsigned);
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        return exact(p.getDecimalValue(), unsigned);
      }
      if (t != JsonToken.VALUE_STRING) {
        throw error("expected an integer, got " + describe(t));
      }
      char[] cs = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      int i = 0;
      boolean negative = false;
      if (len > 0 && (cs[off] == '-' || cs[off] == '+')) {
        negative = cs[off] == '-';
        i = 1;
      }
      if (i == len || len > MAX_NUMERIC_STRING) {
        throw error("expected an integer, got \"" + abbreviate(cs, off, len) + "\"");
      }
      long v = 0;
      for (; i < len; i++) {
        int d = cs[off + i] - '0';
        if (d < 0 || d > 9) {
          return exact(decimal(cs, off, len), unsigned); // a fraction or an exponent
        }
        // v * 10 + d, unsigned, refusing overflow.
        long times10 = v * 10;
        long sum = times10 + d;
        if (Math.unsignedMultiplyHigh(v, 10) != 0 || Long.compareUnsigned(sum, times10) < 0) {
          throw outOfRange(cs, off, len, unsigned);
        }
        v = sum;
      }
      if (unsigned) {
        if (negative && v != 0) {
          throw error("\"" + new String(cs, off, len) + "\" is negative; expected an unsigned"
              + " integer");
        }
        return v;
      }
      if (negative) {
        if (Long.compareUnsigned(v, Long.MIN_VALUE) > 0) {
          throw outOfRange(cs, off, len, false);
        }
        return -v;
      }
      if (v < 0) {
        throw outOfRange(cs, off, len, false);
      }
      return v;
    }

    private BigDecimal decimal(char[] cs, int off, int len) throws OtlpFormatException {
      try {
        return new BigDecimal(cs, off, len);
      } catch (NumberFormatException e) {
        throw error("expected an integer, got \"" + abbreviate(cs, off, len) + "\"");
      }
    }

    /** The integer {@code d} is, refusing fractions and values out of range. */
    private long exact(BigDecimal d, boolean unsigned) throws OtlpFormatException {
      if (d.signum() == 0) {
        return 0;
      }
      if (d.scale() > 0) {
        d = d.stripTrailingZeros(); // bounded by the digits there are, not by the exponent
        if (d.scale() > 0) {
          throw error(abbreviate(d) + " is not an integer");
        }
      }
      // Digits before the point: refuse huge exponents before any arithmetic with them.
      if ((long) d.precision() - d.scale() > 20) {
        throw error(abbreviate(d) + " is out of range");
      }
      BigInteger v = d.toBigIntegerExact();
      if (unsigned) {
        if (v.signum() < 0 || v.compareTo(MAX_UINT64) > 0) {
          throw error(v + " is out of the range of an unsigned 64-bit integer");
        }
        return v.longValue();
      }
      if (v.bitLength() > 63) {
        throw error(v + " is out of the range of a 64-bit integer");
      }
      return v.longValue();
    }

    private OtlpFormatException outOfRange(char[] cs, int off, int len, boolean unsigned) {
      return error("\"" + new String(cs, off, len) + "\" is out of the range of "
          + (unsigned ? "an unsigned" : "a") + " 64-bit integer");
    }

    /** A double from a number, a numeric string, "NaN", "Infinity" or "-Infinity". */
    private double float64() throws IOException, OtlpFormatException {
      JsonToken t = p.currentToken();
      double v;
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        v = p.getDoubleValue();
      } else if (t == JsonToken.VALUE_STRING) {
        String s = p.getText();
        switch (s) {
          case "NaN" -> {
            return Double.NaN;
          }
          case "Infinity" -> {
            return Double.POSITIVE_INFINITY;
          }
          case "-Infinity" -> {
            return Double.NEGATIVE_INFINITY;
          }
          default -> {
            if (s.length() > MAX_NUMERIC_STRING || !isJsonNumber(s)) {
              throw error("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \""
                  + abbreviate(s) + "\"");
            }
            v = Double.parseDouble(s);
          }
        }
      } else {
        throw error("expected a number, got " + describe(t));
      }
      if (Double.isInfinite(v)) {
        throw error("number out of the range of a double; write \"Infinity\" or \"-Infinity\""
            + " for infinities");
      }
      return v;
    }

    // -------------------------------------------------------------------------------------
    // Errors

    private OtlpFormatException error(String problem) {
      return error(null, problem);
    }

    /** An error at the current token; {@code field}, if any, is appended to the path. */
    private OtlpFormatException error(String field, String problem) {
      String path = path(p.getParsingContext());
      if (field != null) {
        path = path.isEmpty() ? field : path + "." + field;
      }
      return new OtlpFormatException(path.isEmpty() ? message : path,
          offset(p.currentTokenLocation()), problem);
    }

    /** Jackson's own error (malformed JSON, a limit exceeded), at the place it says. */
    private OtlpFormatException jsonError(IOException e) {
      String path = path(p.getParsingContext());
      JsonLocation at = e instanceof JsonProcessingException j && j.getLocation() != null
          ? j.getLocation() : p.currentLocation();
      String problem = e instanceof JsonProcessingException j ? j.getOriginalMessage()
          : e.toString();
      return new OtlpFormatException(path.isEmpty() ? message : path, offset(at), problem);
    }

    private int offset(JsonLocation location) {
      long at = location.getByteOffset();
      // Jackson counts from the start of the slice it was given, as the offset promises.
      return (int) Math.max(0, Math.min(Integer.MAX_VALUE, at));
    }
  }

  /** The dotted path of keys and [indexes] from the root to the parser's position. */
  private static String path(JsonStreamContext context) {
    StringBuilder sb = new StringBuilder();
    appendPath(context, sb);
    return sb.toString();
  }

  private static void appendPath(JsonStreamContext context, StringBuilder sb) {
    if (context == null || context.inRoot()) {
      return;
    }
    appendPath(context.getParent(), sb);
    if (context.inArray()) {
      if (context.hasCurrentIndex()) {
        sb.append('[').append(context.getCurrentIndex()).append(']');
      }
    } else if (context.getCurrentName() != null) {
      if (!sb.isEmpty()) {
        sb.append('.');
      }
      sb.append(context.getCurrentName());
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** Whether {@code s} is a JSON number; Double.parseDouble alone would take hex, "1d"… */
  private static boolean isJsonNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && s.charAt(i) == '-') {
      i++;
    }
    int digits = i;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
    }
    if (i == digits) {
      return false;
    }
    if (i < n && s.charAt(i) == '.') {
      int fraction = ++i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == fraction) {
        return false;
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == exponent) {
        return false;
      }
    }
    return i == n;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String abbreviate(char[] cs, int off, int len) {
    return abbreviate(new String(cs, off, Math.min(len, MAX_NUMERIC_STRING + 1)));
  }

  private static String abbreviate(BigDecimal d) {
    return d.precision() > MAX_NUMERIC_STRING ? "a " + d.precision() + "-digit number"
        : d.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > MAX_NUMERIC_STRING ? s.substring(0, MAX_NUMERIC_STRING) + "…" : s;
  }

  /** Enum value names of every enum here to numbers; their prefixes keep them apart. */
  private static Map<String, Integer> enumNames() {
    Map<String, Integer> names = new HashMap<>();
    for (Severity s : Severity.values()) {
      names.put(s.otlpName(), s.number());
    }
    for (SpanKind k : SpanKind.values()) {
      names.put("SPAN_KIND_" + k.name(), k.ordinal());
    }
    for (StatusCode c : StatusCode.values()) {
      names.put("STATUS_CODE_" + c.name(), c.ordinal());
    }
    for (AggregationTemporality t : AggregationTemporality.values()) {
      names.put("AGGREGATION_TEMPORALITY_" + t.name(), t.ordinal());
    }
    return Map.copyOf(names);
  }
}
