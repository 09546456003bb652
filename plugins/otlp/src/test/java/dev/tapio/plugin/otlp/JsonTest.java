package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** OTLP/JSON over HTTP: what a curl user or a JSON-speaking SDK sends, and Tapio's own exporter. */
class JsonTest {

  /** The shape of the OTLP specification's JSON example, as a user would write it by hand. */
  private static final String HAND_WRITTEN = """
      {
        "resourceLogs": [{
          "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
          "scopeLogs": [{
            "scope": {"name": "curl", "version": "1.0"},
            "logRecords": [{
              "timeUnixNano": "1700000000123456789",
              "observedTimeUnixNano": 1700000000223456789,
              "severityNumber": 17,
              "severityText": "ERROR",
              "traceId": "5B8EFFF798038103D269B633813FC60C",
              "spanId": "eee19b7ec3c1b174",
              "body": {"stringValue": "payment failed"},
              "attributes": [
                {"key": "http.status", "value": {"intValue": "502"}},
                {"key": "retry", "value": {"boolValue": true}},
                {"key": "ratio", "value": {"doubleValue": "NaN"}}
              ],
              "someFutureField": {"nested": [1, 2, {"x": null}]}
            }]
          }]
        }]
      }
      """;

  private static HttpResponse<String> post(Receiver r, String path, String body)
      throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(HttpRequest.newBuilder(r.uri(path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aHandWrittenJsonRequestArrivesWithEveryField() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver r = new Receiver(sink, sink, sink)) {
      HttpResponse<String> response = post(r, "/v1/logs", HAND_WRITTEN);
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
      assertEquals("{}", response.body());
      var rl = sink.logs().getFirst().resourceLogs().get(0);
      assertEquals("shop", rl.resource().attributes().getString("service.name"));
      assertEquals("curl", rl.scopeLogs().get(0).scope().name());
      LogRecord record = rl.scopeLogs().get(0).logRecords().get(0);
      assertEquals(1_700_000_000_123_456_789L, record.timeUnixNano());
      assertEquals(1_700_000_000_223_456_789L, record.observedTimeUnixNano());
      assertEquals(Severity.ERROR, record.severity());
      assertEquals("payment failed", record.bodyString());
      assertArrayEquals(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c"),
          record.traceId());
      assertArrayEquals(HexFormat.of().parseHex("eee19b7ec3c1b174"), record.spanId());
      assertEquals(502, record.attributes().getLong("http.status", 0));
      assertTrue(record.attributes().getBool("retry", false));
      assertTrue(Double.isNaN(record.attributes().getDouble("ratio", 0)));
    }
  }

  @Test
  void malformedJsonIs400WithAJsonStatusNamingThePath() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver r = new Receiver(sink, sink, sink)) {
      String badId = HAND_WRITTEN.replace("eee19b7ec3c1b174", "eee19b7e");
      HttpResponse<String> response = post(r, "/v1/logs", badId);
      assertEquals(400, response.statusCode());
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
      assertTrue(response.body().startsWith("{\"code\":3,\"message\":\""), response.body());
      assertTrue(response.body().contains("resourceLogs[0].scopeLogs[0].logRecords[0].spanId"),
          response.body());
      assertEquals(400, post(r, "/v1/traces", "{\"resourceSpans\": [").statusCode());
      // A protobuf request after a JSON one is answered in protobuf: the encoding is the
      // request's own, not the server's memory of an earlier one.
      try (HttpClient client = HttpClient.newHttpClient()) {
        HttpResponse<byte[]> proto = client.send(HttpRequest.newBuilder(r.uri("/v1/logs"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xFF}))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(400, proto.statusCode());
        assertEquals("application/x-protobuf",
            proto.headers().firstValue("Content-Type").orElse(""));
      }
      assertEquals(400, post(r, "/v1/metrics", "[]").statusCode());
      assertEquals(0, sink.itemCount());
      assertEquals(4, r.logsContext.counterValue("tapio_otlp_receiver_malformed_requests",
          "reason", "malformed") + r.metricsContext.counterValue(
          "tapio_otlp_receiver_malformed_requests", "reason", "malformed")
          + r.tracesContext.counterValue("tapio_otlp_receiver_malformed_requests", "reason",
          "malformed"));
    }
  }

  @Test
  void theOtlphttpExporterSendsJsonThatArrivesIdentical() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver r = new Receiver(sink, sink, sink)) {
      for (String compression : new String[] {"none", "gzip", "zstd"}) {
        var f = new OtlpHttpExporterFactory();
        var config = ComponentConfigs.read(f, """
            endpoint: %s
            encoding: json
            compression: %s
            sending_queue: {enabled: false}
            retry_on_failure: {enabled: false}
            """.formatted(r.baseUrl(), compression));
        LogsExporter logs = f.createLogs(ctx(Signal.LOGS), config);
        MetricsExporter metrics = f.createMetrics(ctx(Signal.METRICS), config);
        TracesExporter traces = f.createTraces(ctx(Signal.TRACES), config);
        logs.start(new TestHost());
        metrics.start(new TestHost());
        traces.start(new TestHost());
        sink.reset();
        try {
          logs.consumeLogs(Samples.logs(0, 7));
          metrics.consumeMetrics(Samples.metrics());
          traces.consumeTraces(Samples.traces());
        } finally {
          logs.shutdown();
          metrics.shutdown();
          traces.shutdown();
        }
        sink.awaitItems(7 + Samples.metrics().itemCount() + Samples.traces().itemCount(),
            Duration.ofSeconds(10));
        // Same protobuf encoding before and after the JSON trip: every field survived.
        assertSame(Samples.logs(0, 7), sink.logs().getFirst(), compression);
        assertSame(Samples.metrics(), sink.metrics().getFirst(), compression);
        assertSame(Samples.traces(), sink.traces().getFirst(), compression);
      }
    }
  }

  private static void assertSame(TelemetryData<?> expected, TelemetryData<?> actual,
      String what) {
    assertArrayEquals(Samples.bytes(expected), Samples.bytes(actual), what);
  }

  private static TestContext ctx(Signal signal) {
    return new TestContext("otlphttp", Kind.EXPORTER, signal);
  }

  @Test
  void jsonStatusEscapesTheMessage() {
    assertEquals("{\"code\":3,\"message\":\"a \\\"b\\\" \\\\ \\u000a\"}",
        new String(HttpAnswers.jsonStatus(3, "a \"b\" \\ \n"), StandardCharsets.UTF_8));
  }
}
