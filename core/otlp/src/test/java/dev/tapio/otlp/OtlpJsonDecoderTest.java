package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.Traces;
import dev.tapio.pdata.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class OtlpJsonDecoderTest {
  private static final int SEEDS = 1000;

  /**
   * The official printer's variants, taken in turn: lowerCamelCase keys and enum names (its
   * default), proto field names, enums as numbers, and both. Ids are rewritten from base64 to hex
   * after printing in every variant (see {@link OtlpJson}): proto3 JSON writes {@code bytes} as
   * base64, OTLP JSON writes trace and span ids as hex.
   */
  private static final List<UnaryOperator<JsonFormat.Printer>> PRINTERS = List.of(
      p -> p,
      JsonFormat.Printer::preservingProtoFieldNames,
      JsonFormat.Printer::printingEnumsAsInts,
      p -> p.preservingProtoFieldNames().printingEnumsAsInts());

  private final OtlpJsonDecoder decoder = new OtlpJsonDecoder();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------
  // Round trips

  @Test
  void logsPrintedByTheOfficialPrinterDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Logs original = new RandomTelemetry(seed, 2).logs();
      var official = ToProto.logs(original);
      String json = OtlpJson.print(official, PRINTERS.get(seed % PRINTERS.size()));
      Logs decoded = decoder.decodeLogs(utf8(json));
      assertEquals(official, ToProto.logs(decoded), "seed " + seed + ": " + json);
      assertEquals(original.logRecordCount(), decoded.logRecordCount());
    }
  }

  @Test
  void metricsPrintedByTheOfficialPrinterDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Metrics original = new RandomTelemetry(seed, 2).metrics();
      var official = ToProto.metrics(original);
      String json = OtlpJson.print(official, PRINTERS.get(seed % PRINTERS.size()));
      Metrics decoded = decoder.decodeMetrics(utf8(json));
      assertEquals(official, ToProto.metrics(decoded), "seed " + seed + ": " + json);
      assertEquals(original.dataPointCount(), decoded.dataPointCount());
    }
  }

  @Test
  void tracesPrintedByTheOfficialPrinterDecodeToEqualPdata() throws Exception {
    for (int seed = 0; seed < SEEDS; seed++) {
      Traces original = new RandomTelemetry(seed, 2).traces();
      var official = ToProto.traces(original);
      String json = OtlpJson.print(official, PRINTERS.get(seed % PRINTERS.size()));
      Traces decoded = decoder.decodeTraces(utf8(json));
      assertEquals(official, ToProto.traces(decoded), "seed " + seed + ": " + json);
      assertEquals(original.spanCount(), decoded.spanCount());
    }
  }

  @Test
  void ourEncodingDecodesBackToEqualPdata() throws Exception {
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    for (int seed = 0; seed < SEEDS; seed++) {
      RandomTelemetry random = new RandomTelemetry(seed, 2);
      Logs logs = random.logs();
      encoder.encode(logs);
      assertEquals(ToProto.logs(logs), ToProto.logs(decoder.decodeLogs(encoder.toByteArray())));
      Metrics metrics = random.metrics();
      encoder.encode(metrics);
      assertEquals(ToProto.metrics(metrics),
          ToProto.metrics(decoder.decodeMetrics(encoder.toByteArray())));
      Traces traces = random.traces();
      encoder.encode(traces);
      assertEquals(ToProto.traces(traces),
          ToProto.traces(decoder.decodeTraces(encoder.toByteArray())));
    }
  }

  @Test
  void samplesWithEveryFieldSetRoundTrip() throws Exception {
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    encoder.encode(Samples.logs());
    assertEquals(ToProto.logs(Samples.logs()),
        ToProto.logs(decoder.decodeLogs(encoder.toByteArray())));
    encoder.encode(Samples.metrics());
    assertEquals(ToProto.metrics(Samples.metrics()),
        ToProto.metrics(decoder.decodeMetrics(encoder.toByteArray())));
    encoder.encode(Samples.traces());
    assertEquals(ToProto.traces(Samples.traces()),
        ToProto.traces(decoder.decodeTraces(encoder.toByteArray())));
  }

  @Test
  void loneSurrogatesEscapedByTheEncoderComeBackUnchanged() throws Exception {
    String tricky = "lone\ud800 and \udc00, pair \ud83d\ude00, nul\u0000, quote\" \\ \u2028";
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
        .setBody(tricky).attributes().putString(tricky, tricky);
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    encoder.encode(logs);
    LogRecord r = decoder.decodeLogs(encoder.toByteArray())
        .resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals(tricky, r.bodyString());
    assertEquals(tricky, r.attributes().getString(tricky));
  }

  @Test
  void offsetAndLengthDecodeTheSliceAndAppend() throws Exception {
    byte[] json = utf8("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{}]}]}]}");
    byte[] padded = new byte[json.length + 10];
    System.arraycopy(json, 0, padded, 5, json.length);
    padded[0] = '{'; // junk around the slice must not be read
    padded[padded.length - 1] = '}';
    Logs into = new Logs();
    decoder.decodeLogs(padded, 5, json.length, into);
    decoder.decodeLogs(padded, 5, json.length, into);
    assertEquals(2, into.resourceLogs().size());
    assertEquals(2, into.logRecordCount());

    byte[] bad = utf8("{\"resourceLogs\":[{\"scopeLogs\":5}]}");
    byte[] shifted = new byte[bad.length + 7];
    System.arraycopy(bad, 0, shifted, 7, bad.length);
    OtlpFormatException e = assertThrows(OtlpFormatException.class,
        () -> decoder.decodeLogs(shifted, 7, bad.length, new Logs()));
    assertEquals(new String(bad, StandardCharsets.UTF_8).indexOf('5'), e.offset(),
        "offsets count from the start of the request");
  }

  // ---------------------------------------------------------------------------------------
  // What the OTLP JSON and proto3 JSON rules allow

  @Test
  void snakeCaseKeysEnumNamesAndNumbersInEveryForm() throws Exception {
    String json = """
        {"resource_logs":[{"resource":{"attributes":[{"key":"a","value":{"int_value":7}}],
          "dropped_attributes_count":"2"},
         "scope_logs":[{"scope":{"name":"s","version":"1"},"schema_url":"u",
          "log_records":[
           {"time_unix_nano":"1763764318123456789","observed_time_unix_nano":1763764318123456789,
            "severity_number":"SEVERITY_NUMBER_WARN","severity_text":"W",
            "trace_id":"0102030405060708090A0B0C0D0E0FFF","span_id":"A1a2A3a4A5a6A7a8",
            "flags":4294967295,"dropped_attributes_count":1.0,"event_name":"e",
            "body":{"double_value":"NaN"},
            "attributes":[{"key":"i","value":{"intValue":"-9223372036854775808"}},
                          {"key":"n","value":{"intValue":9223372036854775807}},
                          {"key":"e","value":{"intValue":"1e3"}},
                          {"key":"d","value":{"doubleValue":"-Infinity"}},
                          {"key":"s","value":{"doubleValue":"2.5e-3"}},
                          {"key":"b","value":{"boolValue":"true"}},
                          {"key":"u","value":{"bytesValue":"-_8"}},
                          {"key":"p","value":{"bytesValue":"AQID"}},
                          {"key":"q","value":{"bytesValue":"AQ"}}]},
           {"severityNumber":17,"timeUnixNano":"0"}]}]}]}
        """;
    Logs logs = decoder.decodeLogs(utf8(json));
    var rl = logs.resourceLogs().get(0);
    assertEquals(7, rl.resource().attributes().getLong("a", 0));
    assertEquals(2, rl.resource().droppedAttributesCount());
    var sl = rl.scopeLogs().get(0);
    assertEquals("s", sl.scope().name());
    assertEquals("u", sl.schemaUrl());
    LogRecord r = sl.logRecords().get(0);
    assertEquals(1763764318123456789L, r.timeUnixNano());
    assertEquals(1763764318123456789L, r.observedTimeUnixNano());
    assertEquals(Severity.WARN, r.severity());
    assertArrayEquals(HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0fff"), r.traceId());
    assertArrayEquals(HexFormat.of().parseHex("a1a2a3a4a5a6a7a8"), r.spanId());
    assertEquals(-1, r.flags());
    assertEquals(1, r.droppedAttributesCount());
    assertEquals("e", r.eventName());
    assertTrue(Double.isNaN(r.body().asDouble()));
    var a = r.attributes();
    assertEquals(Long.MIN_VALUE, a.getLong("i", 0));
    assertEquals(Long.MAX_VALUE, a.getLong("n", 0));
    assertEquals(1000, a.getLong("e", 0));
    assertEquals(Double.NEGATIVE_INFINITY, a.getDouble("d", 0));
    assertEquals(0.0025, a.getDouble("s", 0));
    assertTrue(a.getBool("b", false));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, a.get("u").asBytes());
    assertArrayEquals(new byte[] {1, 2, 3}, a.get("p").asBytes());
    assertArrayEquals(new byte[] {1}, a.get("q").asBytes());
    assertEquals(Severity.ERROR, sl.logRecords().get(1).severity());
  }

  @Test
  void metricEnumNamesAndHeadersAfterThePoints() throws Exception {
    String json = """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
          {"name":"s","sum":{"dataPoints":[{"asInt":"5","exemplars":[{"asDouble":1,
             "filteredAttributes":[{"key":"x","value":{"stringValue":"y"}}],
             "traceId":"0102030405060708090a0b0c0d0e0fff"}]}],
           "aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA","isMonotonic":true}},
          {"name":"h","histogram":{"dataPoints":[{"count":"4","sum":0,"bucketCounts":["1",3],
             "explicitBounds":[1.5],"min":-1,"max":"7"}],"aggregationTemporality":2}},
          {"name":"e","exponential_histogram":{"aggregation_temporality":1,"data_points":[
             {"scale":-2,"zero_count":"3","zero_threshold":1e-9,
              "positive":{"offset":-5,"bucket_counts":["1","2"]},
              "negative":{"bucketCounts":[9]},"flags":1}]}},
          {"name":"q","summary":{"dataPoints":[{"count":3,"sum":"6",
             "quantileValues":[{"quantile":0.5,"value":2},{"value":3}]}]}},
          {"name":"g","gauge":{"dataPoints":[{"asDouble":"Infinity"},{"asDouble":1}]},
           "metadata":[{"key":"k","value":{"stringValue":"v"}}]}]}]}]}
        """;
    var metrics = decoder.decodeMetrics(utf8(json))
        .resourceMetrics().get(0).scopeMetrics().get(0).metrics();
    Metric sum = metrics.get(0);
    assertEquals(MetricType.SUM, sum.type());
    assertEquals(AggregationTemporality.DELTA, sum.temporality());
    assertTrue(sum.isMonotonic());
    assertEquals(5, sum.numberPoints().get(0).longValue());

    Metric histogram = metrics.get(1);
    assertEquals(AggregationTemporality.CUMULATIVE, histogram.temporality());
    HistogramDataPoint h = histogram.histogramPoints().get(0);
    assertEquals(4, h.count());
    assertEquals(0.0, h.sum());
    assertArrayEquals(new long[] {1, 3}, h.bucketCounts());
    assertArrayEquals(new double[] {1.5}, h.explicitBounds());
    assertEquals(-1, h.min());
    assertEquals(7, h.max());

    Metric exponential = metrics.get(2);
    assertEquals(AggregationTemporality.DELTA, exponential.temporality());
    ExponentialHistogramDataPoint e = exponential.exponentialHistogramPoints().get(0);
    assertEquals(-2, e.scale());
    assertEquals(3, e.zeroCount());
    assertEquals(1e-9, e.zeroThreshold());
    assertEquals(-5, e.positiveOffset());
    assertArrayEquals(new long[] {1, 2}, e.positiveBucketCounts());
    assertEquals(0, e.negativeOffset());
    assertArrayEquals(new long[] {9}, e.negativeBucketCounts());
    assertEquals(1, e.flags());

    SummaryDataPoint q = metrics.get(3).summaryPoints().get(0);
    assertEquals(3, q.count());
    assertEquals(6, q.sum());
    assertArrayEquals(new double[] {0.5, 0}, q.quantiles());
    assertArrayEquals(new double[] {2, 3}, q.quantileValues());

    NumberDataPoint g = metrics.get(4).numberPoints().get(0);
    assertTrue(g.isDouble());
    assertEquals(Double.POSITIVE_INFINITY, g.doubleValue());
  }

  @Test
  void spanEnumNamesEventsLinksAndStatus() throws Exception {
    String json = """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"0102030405060708090a0b0c0d0e0fff","spanId":"1112131415161718",
           "parentSpanId":"","name":"n","kind":"SPAN_KIND_SERVER","flags":257,
           "startTimeUnixNano":"1","endTimeUnixNano":2,"droppedAttributesCount":1,
           "events":[{"timeUnixNano":"3","name":"ev","droppedAttributesCount":2,
                      "attributes":[{"key":"k","value":{"boolValue":false}}]}],
           "droppedEventsCount":3,
           "links":[{"traceId":"0102030405060708090a0b0c0d0e0fff","spanId":"a1a2a3a4a5a6a7a8",
                     "traceState":"a=b","flags":1,"droppedAttributesCount":4}],
           "droppedLinksCount":5,"status":{"code":"STATUS_CODE_ERROR","message":"boom"}},
          {"kind":"SPAN_KIND_FROM_THE_FUTURE","status":{"code":9}}]}]}]}
        """;
    var spans = decoder.decodeTraces(utf8(json))
        .resourceSpans().get(0).scopeSpans().get(0).spans();
    Span s = spans.get(0);
    assertEquals(SpanKind.SERVER, s.kind());
    assertArrayEquals(new byte[8], s.parentSpanId(), "the empty string is an absent id");
    assertEquals(257, s.flags());
    assertEquals(2, s.endTimeUnixNano());
    assertEquals("ev", s.events().get(0).name());
    assertEquals(2, s.events().get(0).droppedAttributesCount());
    assertEquals(3, s.droppedEventsCount());
    assertEquals("a=b", s.links().get(0).traceState());
    assertEquals(4, s.links().get(0).droppedAttributesCount());
    assertEquals(5, s.droppedLinksCount());
    assertEquals(StatusCode.ERROR, s.statusCode());
    assertEquals("boom", s.statusMessage());
    // Unknown enum names and numbers map to the unspecified value, as newer senders' do.
    assertEquals(SpanKind.UNSPECIFIED, spans.get(1).kind());
    assertEquals(StatusCode.UNSET, spans.get(1).statusCode());
  }

  @Test
  void unknownFieldsOfEveryShapeAreSkippedAtEveryLevel() throws Exception {
    String noise = """
        "u1":1,"u2":"s","u3":true,"u4":null,"u5":[1,[2,{"a":[]}],{}],"u6":{"x":{"y":[{}]}},
        "u7":-1.5e300,"resourceLogs_":{"scopeLogs":[5]},
        """;
    String json = ("""
        {%s"resourceLogs":[{%s"resource":{%s"attributes":[{%s"key":"a","value":{%s
          "stringValue":"v"}}]},"scopeLogs":[{%s"scope":{%s"name":"n"},"logRecords":[{%s
          "body":{%s"arrayValue":{%s"values":[{%s"intValue":"1"}]}},"eventName":"e"}]}]}]}
        """).formatted(noise, noise, noise, noise, noise, noise, noise, noise, noise, noise,
        noise);
    Logs logs = decoder.decodeLogs(utf8(json));
    LogRecord r = logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals("v", logs.resourceLogs().get(0).resource().attributes().getString("a"));
    assertEquals("n", logs.resourceLogs().get(0).scopeLogs().get(0).scope().name());
    assertEquals(AnyValue.ofArray(List.of(AnyValue.of(1L))), r.body());
    assertEquals("e", r.eventName());
  }

  @Test
  void nullFieldsAreDefaults() throws Exception {
    String json = """
        {"resourceLogs":[{"resource":null,"schemaUrl":null,"scopeLogs":[{"scope":null,
          "logRecords":[{"timeUnixNano":null,"body":null,"traceId":null,"attributes":null,
            "severityNumber":null,"flags":null}]}]}],"unknown":null}
        """;
    Logs logs = decoder.decodeLogs(utf8(json));
    LogRecord r = logs.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals(0, r.timeUnixNano());
    assertEquals(ValueType.EMPTY, r.bodyType());
    assertArrayEquals(new byte[16], r.traceId());
    assertEquals(Severity.UNSPECIFIED, r.severity());
    assertEquals("", logs.resourceLogs().get(0).schemaUrl());
    assertEquals(0, decoder.decodeLogs(utf8("{\"resourceLogs\":null}")).resourceLogs().size());
    assertEquals(0, decoder.decodeTraces(utf8(" {} ")).resourceSpans().size());
  }

  @Test
  void anyValueShapesIncludingTheEmptyOne() throws Exception {
    String json = """
        {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{},"attributes":[
          {"key":"empty","value":{}},{"key":"missing"},{"key":"nullValue","value":null},
          {"key":"kv","value":{"kvlistValue":{"values":[{"key":"x","value":{"stringValue":"1"}},
            {"key":"y"}]}}},
          {"key":"arr","value":{"arrayValue":{"values":[{},{"boolValue":true}]}}},
          {"key":"emptyArr","value":{"arrayValue":{}}},
          {"key":"nulls","value":{"stringValue":null,"intValue":"3"}}]}]}]}]}
        """;
    LogRecord r = decoder.decodeLogs(utf8(json))
        .resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals(ValueType.EMPTY, r.bodyType());
    var a = r.attributes();
    assertEquals(ValueType.EMPTY, a.get("empty").type());
    assertEquals(ValueType.EMPTY, a.get("missing").type());
    assertEquals(ValueType.EMPTY, a.get("nullValue").type());
    assertEquals(AnyValue.EMPTY, a.get("kv").asMap().get("y"));
    assertEquals("1", a.get("kv").asMap().get("x").asString());
    assertEquals(List.of(AnyValue.EMPTY, AnyValue.of(true)), a.get("arr").asArray());
    assertEquals(List.of(), a.get("emptyArr").asArray());
    assertEquals(3, a.getLong("nulls", 0));
  }

  @Test
  void nestingUpToTheLimitIsAcceptedAndDeeperRefused() throws Exception {
    OtlpJsonDecoder shallow = new OtlpJsonDecoder(1 << 20, 3);
    assertEquals(3, shallow.maxNestingDepth());
    String ok = logWithBody(nestedArrays(3));
    assertEquals(ValueType.ARRAY, shallow.decodeLogs(utf8(ok)).resourceLogs().get(0)
        .scopeLogs().get(0).logRecords().get(0).bodyType());
    OtlpFormatException e = assertThrows(OtlpFormatException.class,
        () -> shallow.decodeLogs(utf8(logWithBody(nestedArrays(4)))));
    assertTrue(e.getMessage().contains("nested deeper than 3"), e.getMessage());
    assertTrue(e.field().startsWith("resourceLogs[0].scopeLogs[0].logRecords[0].body."),
        e.field());
    // Deep JSON under an unknown key is bounded by the parser's constraints.
    String deep = "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    e = assertThrows(OtlpFormatException.class, () -> shallow.decodeLogs(utf8(deep)));
    assertTrue(e.getMessage().toLowerCase().contains("nesting depth"), e.getMessage());
  }

  private static String nestedArrays(int depth) {
    String v = "{\"intValue\":\"1\"}";
    for (int i = 0; i < depth; i++) {
      v = "{\"arrayValue\":{\"values\":[" + v + "]}}";
    }
    return v;
  }

  private static String logWithBody(String body) {
    return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":" + body + "}]}]}]}";
  }

  @Test
  void requestsOverTheSizeLimitAreRefusedBeforeParsing() {
    OtlpJsonDecoder small = new OtlpJsonDecoder(64, 8);
    byte[] big = utf8("{\"resourceLogs\":[" + "{},".repeat(40) + "{}]}");
    OtlpFormatException e =
        assertThrows(OtlpFormatException.class, () -> small.decodeLogs(big));
    assertTrue(e.getMessage().contains("exceeds the maximum of 64"), e.getMessage());
    assertEquals("ExportLogsServiceRequest", e.field());
  }

  // ---------------------------------------------------------------------------------------
  // Malformed input: each error names the path and what is wrong

  private OtlpFormatException logsError(String json) {
    return assertThrows(OtlpFormatException.class, () -> decoder.decodeLogs(utf8(json)));
  }

  private static void assertError(OtlpFormatException e, String path, String problem) {
    assertEquals(path, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().startsWith("malformed OTLP " + path + " at offset "),
        e.getMessage());
  }

  private static final String RECORDS = "{\"resourceLogs\":[{\"scopeLogs\":[{},{},{\"logRecords\":"
      + "[{},{},{},{},{},%s]}]}]}";

  private OtlpFormatException recordError(String record) {
    return logsError(RECORDS.formatted(record));
  }

  private static final String AT = "resourceLogs[0].scopeLogs[2].logRecords[5]";

  @Test
  void wrongIdsNameTheirPath() {
    assertError(recordError("{\"traceId\":\"0102\"}"), AT + ".traceId",
        "trace id must be 32 hex digits, got 4 characters");
    assertError(recordError("{\"spanId\":\"zz12131415161718\"}"), AT + ".spanId",
        "span id is not hex");
    assertError(recordError("{\"spanId\":1112131415161718}"), AT + ".spanId",
        "expected a hex string, got a number");
    // The base64 proto3 JSON would use is refused: OTLP JSON ids are hex.
    assertError(recordError("{\"traceId\":\"AQIDBAUGBwgJCgsMDQ4P/w==\"}"), AT + ".traceId",
        "trace id must be 32 hex digits");
  }

  @Test
  void wrongJsonTypesNameTheirPath() {
    assertError(recordError("{\"body\":\"text\"}"), AT + ".body",
        "expected an object, got a string");
    assertError(recordError("{\"attributes\":{}}"), AT + ".attributes",
        "expected an array, got an object");
    assertError(recordError("{\"attributes\":[{},5]}"), AT + ".attributes[1]",
        "expected an object, got a number");
    assertError(recordError("{\"severityText\":7}"), AT + ".severityText",
        "expected a string, got a number");
    assertError(recordError("{\"timeUnixNano\":true}"), AT + ".timeUnixNano",
        "expected an integer, got a boolean");
    assertError(recordError("{\"body\":{\"boolValue\":1}}"), AT + ".body.boolValue",
        "expected true or false, got a number");
    assertError(logsError("{\"resourceLogs\":[{\"scopeLogs\":\"x\"}]}"),
        "resourceLogs[0].scopeLogs", "expected an array, got a string");
    assertError(logsError("[]"), "ExportLogsServiceRequest", "expected an object, got an array");
    assertError(recordError("null"), "resourceLogs[0].scopeLogs[2].logRecords[5]",
        "null is not allowed as an array element");
  }

  @Test
  void numbersOutOfRangeOrNotIntegersNameTheirPath() {
    assertError(recordError("{\"timeUnixNano\":\"-1\"}"), AT + ".timeUnixNano",
        "is negative; expected an unsigned integer");
    assertError(recordError("{\"timeUnixNano\":\"18446744073709551616\"}"),
        AT + ".timeUnixNano", "out of the range of an unsigned 64-bit integer");
    assertError(recordError("{\"timeUnixNano\":18446744073709551616}"),
        AT + ".timeUnixNano", "out of the range of an unsigned 64-bit integer");
    assertError(recordError("{\"body\":{\"intValue\":\"9223372036854775808\"}}"),
        AT + ".body.intValue", "out of the range of a 64-bit integer");
    assertError(recordError("{\"flags\":4294967296}"), AT + ".flags",
        "out of the range of an unsigned 32-bit integer");
    assertError(recordError("{\"droppedAttributesCount\":1.5}"),
        AT + ".droppedAttributesCount", "1.5 is not an integer");
    assertError(recordError("{\"timeUnixNano\":\"12abc\"}"), AT + ".timeUnixNano",
        "expected an integer, got \"12abc\"");
    assertError(recordError("{\"timeUnixNano\":\"1e999999999\"}"), AT + ".timeUnixNano",
        "is out of range");
    assertError(recordError("{\"body\":{\"doubleValue\":\"nan\"}}"), AT + ".body.doubleValue",
        "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \"nan\"");
    assertError(recordError("{\"body\":{\"doubleValue\":1e999}}"), AT + ".body.doubleValue",
        "out of the range of a double");
  }

  @Test
  void otherMalformedValuesNameTheirPath() {
    assertError(recordError("{\"body\":{\"stringValue\":\"a\",\"intValue\":\"1\"}}"),
        AT + ".body.intValue", "an AnyValue holds one value");
    assertError(recordError("{\"body\":{\"bytesValue\":\"a*b\"}}"), AT + ".body.bytesValue",
        "not base64");
    OtlpFormatException e = assertThrows(OtlpFormatException.class, () -> decoder.decodeMetrics(
        utf8("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"histogram\":"
            + "{\"dataPoints\":[{},{\"bucketCounts\":[1,2],\"explicitBounds\":[1,2]}]}}]}]}]}")));
    assertError(e, "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[1]"
        + ".bucketCounts", "2 bucket counts for 2 explicit bounds");
    e = assertThrows(OtlpFormatException.class, () -> decoder.decodeTraces(
        utf8("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":[{},"
            + "{\"timeUnixNano\":\"x\"}]}]}]}]}")));
    assertError(e, "resourceSpans[0].scopeSpans[0].spans[0].events[1].timeUnixNano",
        "expected an integer, got \"x\"");
  }

  @Test
  void malformedJsonIsRefusedWithItsPlace() {
    OtlpFormatException e = logsError("{\"resourceLogs\":[{\"scopeLogs\":[}]}");
    assertEquals("resourceLogs[0].scopeLogs", e.field(), e.getMessage());
    assertEquals(31, e.offset(), e.getMessage());

    e = logsError("{\"resourceLogs\":[]} {}");
    assertError(e, "ExportLogsServiceRequest", "data after the request object");
    assertEquals(20, e.offset());
    assertError(logsError("{\"resourceLogs\":[]} x"), "ExportLogsServiceRequest", "");
    assertError(logsError(""), "ExportLogsServiceRequest", "empty request");

    e = logsError("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"eventName\":\"tr");
    assertError(e, "resourceLogs[0].scopeLogs[0].logRecords[0].eventName", "end-of-input");

    e = logsError("{\"resourceLogs\":[],}");
    assertTrue(e.getMessage().contains("double-quote to start field name"), e.getMessage());
    e = logsError("{'resourceLogs':[]}");
    assertError(e, "ExportLogsServiceRequest", "");
    e = logsError("{\"resourceLogs\":[{\"resource\":{\"droppedAttributesCount\":NaN}}]}");
    assertError(e, "resourceLogs[0].resource.droppedAttributesCount", "");
  }

  @Test
  void invalidUtf8IsRefusedAtItsOffset() {
    byte[] valid = utf8("{\"resourceLogs\":[{\"schemaUrl\":\"héllo\"}]}");
    int at = new String(valid, StandardCharsets.ISO_8859_1).indexOf('h') + 1;
    byte[][] corruptions = {
      {(byte) 0xff}, // never in UTF-8
      {(byte) 0x80}, // a lone continuation byte
      {(byte) 0xc0}, // an overlong lead
    };
    for (byte[] c : corruptions) {
      byte[] bad = valid.clone();
      bad[at] = c[0];
      OtlpFormatException e = assertThrows(OtlpFormatException.class,
          () -> decoder.decodeLogs(bad));
      assertError(e, "ExportLogsServiceRequest", "invalid UTF-8");
      assertEquals(at, e.offset());
    }
    // An encoded surrogate (U+D800) and a truncated sequence at the end.
    byte[] surrogate = utf8("{\"resourceLogs\":[{\"schemaUrl\":\"xxx\"}]}");
    int x = new String(surrogate, StandardCharsets.ISO_8859_1).indexOf('x');
    surrogate[x] = (byte) 0xed;
    surrogate[x + 1] = (byte) 0xa0;
    surrogate[x + 2] = (byte) 0x80;
    assertError(assertThrows(OtlpFormatException.class, () -> decoder.decodeLogs(surrogate)),
        "ExportLogsServiceRequest", "invalid UTF-8 (byte 0xed)");
    byte[] truncated = {'{', '}', (byte) 0xe2, (byte) 0x82};
    assertEquals(2, assertThrows(OtlpFormatException.class,
        () -> decoder.decodeLogs(truncated)).offset());
    assertEquals(-1, OtlpJsonDecoder.invalidUtf8(utf8("aé日本\ud83d\ude00 plain ascii run"), 0,
        utf8("aé日本\ud83d\ude00 plain ascii run").length));
  }

  @Test
  void histogramWithCountsButNoBoundsIsOneBucket() throws Exception {
    var point = decoder.decodeMetrics(utf8("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":"
        + "[{\"histogram\":{\"dataPoints\":[{\"bucketCounts\":[\"7\"]}]}}]}]}]}"))
        .resourceMetrics().get(0).scopeMetrics().get(0).metrics().get(0).histogramPoints()
        .get(0);
    assertArrayEquals(new long[] {7}, point.bucketCounts());
    assertEquals(0, point.explicitBounds().length);
  }
}
