package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The encoder alone, checked against the official classes and against the OTLP JSON rules. */
class OtlpJsonEncoderTest {
  private final OtlpJsonEncoder encoder = new OtlpJsonEncoder();

  private String encode(TelemetryData<?> data) {
    int n = encoder.encode(data);
    assertEquals(n, encoder.length());
    return new String(encoder.buffer(), 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void logsRoundTripThroughTheOfficialClasses() throws Exception {
    Logs logs = Samples.logs();
    assertEquals(ToProto.logs(logs), OtlpJson.logs(encode(logs)));
  }

  @Test
  void metricsOfEveryTypeRoundTripThroughTheOfficialClasses() throws Exception {
    Metrics metrics = Samples.metrics();
    var parsed = OtlpJson.metrics(encode(metrics));
    assertEquals(ToProto.metrics(metrics), parsed);
    var list = parsed.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertTrue(Double.isNaN(list.get(0).getGauge().getDataPoints(3).getAsDouble()));
    assertTrue(list.get(3).getHistogram().getDataPoints(0).hasSum(), "present zero sum");
    assertFalse(list.get(3).getHistogram().getDataPoints(1).hasSum(), "absent sum");
  }

  @Test
  void tracesRoundTripThroughTheOfficialClasses() throws Exception {
    Traces traces = Samples.traces();
    assertEquals(ToProto.traces(traces), OtlpJson.traces(encode(traces)));
  }

  @Test
  void followsTheOtlpJsonEncodingRules() {
    String logs = encode(Samples.logs());
    // Ids in lowercase hex, not base64.
    assertTrue(logs.contains("\"traceId\":\"0102030405060708090a0b0c0d0e0fff\""), logs);
    assertTrue(logs.contains("\"spanId\":\"1112131415161718\""), logs);
    // 64-bit integers as decimal strings, unsigned where the field is.
    assertTrue(logs.contains("\"timeUnixNano\":\"1763764318123456789\""), logs);
    assertTrue(logs.contains("\"observedTimeUnixNano\":\"18446744073709551615\""), logs);
    assertTrue(logs.contains("{\"intValue\":\"-9223372036854775808\"}"), logs);
    // Enums as numbers; 32-bit integers as numbers, unsigned.
    assertTrue(logs.contains("\"severityNumber\":18,"), logs);
    assertTrue(logs.contains("\"flags\":2147483649,"), logs);
    assertTrue(logs.contains("{\"bytesValue\":\"AQIDBA==\"}"), logs);
    // Defaults left out: the all-default record is an empty object.
    assertTrue(logs.contains(",{}]"), logs);

    String metrics = encode(Samples.metrics());
    assertTrue(metrics.contains("{\"asDouble\":\"NaN\"}"), metrics);
    assertTrue(metrics.contains("{\"asDouble\":\"Infinity\"}"), metrics);
    assertTrue(metrics.contains("{\"asDouble\":\"-Infinity\"}"), metrics);
    assertTrue(metrics.contains("{\"asInt\":\"0\"}"), metrics);
    assertTrue(metrics.contains("\"bucketCounts\":[\"1\",\"3\",\"18446744073709551615\"]"),
        metrics);
    assertTrue(metrics.contains("\"explicitBounds\":[1.0,10.0]"), metrics);
    assertTrue(metrics.contains("\"aggregationTemporality\":2,\"isMonotonic\":true"), metrics);
    assertTrue(metrics.contains("\"scale\":-3"), metrics);

    String traces = encode(Samples.traces());
    assertTrue(traces.contains("\"kind\":5,"), traces);
    assertTrue(traces.contains("\"status\":{\"message\":\"boom\",\"code\":2}"), traces);

    for (String doc : List.of(logs, metrics, traces)) {
      assertFalse(doc.contains("\n"), "one line per batch");
      Matcher keys = Pattern.compile("\"([A-Za-z_]+)\":").matcher(doc);
      while (keys.find()) {
        assertTrue(keys.group(1).matches("[a-z][A-Za-z]*"),
            "keys are lowerCamelCase: " + keys.group(1));
      }
    }
  }

  @Test
  void specialCharactersAndUnicodeEscapeAndRoundTrip() throws Exception {
    String tricky = "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f"
        + " del\u007f é ü 中文 €  \u2028 emoji😀 lone\ud800 and \udc00.";
    Logs logs = new Logs();
    var rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString(tricky, tricky);
    LogRecord r = rl.scopeLogs().appendEmpty().logRecords().appendEmpty();
    r.setBody(tricky).setEventName(tricky);
    r.attributes().put("m", AnyValue.ofMap(Map.of(tricky, AnyValue.of(tricky))));

    String line = encode(logs);
    assertFalse(line.contains("\n"));
    assertTrue(line.contains("nul\\u0000 us\\u001f"), line);
    assertTrue(line.contains("quote\\\" backslash\\\\"), line);
    assertTrue(line.contains("lone\\ud800 and \\udc00."), line);
    assertTrue(line.contains("emoji😀"), "valid pairs pass through unescaped");
    var parsed = OtlpJson.logs(line);
    assertEquals(ToProto.logs(logs), parsed);
    assertEquals(tricky, parsed.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody()
        .getStringValue());
  }

  @Test
  void writerResetsBetweenDocuments() throws Exception {
    encode(Samples.metrics());
    Logs logs = Samples.logs();
    assertEquals(ToProto.logs(logs), OtlpJson.logs(encode(logs)));
    assertEquals("{\"resourceLogs\":[]}", encode(new Logs()));
  }

  @Test
  void randomTreesParseWithTheOfficialParserToEqualMessages() throws Exception {
    for (int seed = 0; seed < 1000; seed++) {
      RandomTelemetry random = new RandomTelemetry(seed, 2);
      Logs logs = random.logs();
      assertSameMessage(ToProto.logs(logs), OtlpJson.logs(encode(logs)), seed);
      Metrics metrics = random.metrics();
      assertSameMessage(ToProto.metrics(metrics), OtlpJson.metrics(encode(metrics)), seed);
      Traces traces = random.traces();
      assertSameMessage(ToProto.traces(traces), OtlpJson.traces(encode(traces)), seed);
    }
  }

  /**
   * Equal but for the sign of zero doubles: JsonFormat's parser reads doubles through BigDecimal,
   * which has no negative zero, so the "-0.0" written here comes back as 0.0 from it (our own
   * decoder keeps it; the decoder tests check that).
   */
  private static void assertSameMessage(Message expected, Message parsed, int seed) {
    assertEquals(withoutNegativeZero(expected), withoutNegativeZero(parsed), "seed " + seed);
  }

  private static String withoutNegativeZero(Message m) {
    return m.toString().replace(": -0.0\n", ": 0.0\n");
  }

  @Test
  void streamAndCopyHoldTheSameBytesAsTheBuffer() throws Exception {
    Traces traces = Samples.traces();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder.encode(traces, out);
    byte[] copy = encoder.toByteArray();
    assertEquals(encoder.length(), copy.length);
    assertTrue(Arrays.equals(out.toByteArray(), copy));
    assertEquals(ToProto.traces(traces),
        OtlpJson.traces(new String(copy, StandardCharsets.UTF_8)));
  }

  @Test
  void unsignedSixtyFourBitValuesAreWrittenInFull() {
    Logs logs = new Logs();
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
        .setTimeUnixNano(Long.MIN_VALUE).setObservedTimeUnixNano(-10L);
    String json = encode(logs);
    assertTrue(json.contains("\"timeUnixNano\":\"9223372036854775808\""), json);
    assertTrue(json.contains("\"observedTimeUnixNano\":\"18446744073709551606\""), json);
  }
}
