package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.tapio.testkit.ConsumerSink;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad requests each get their 4xx, nothing reaches the pipeline, and serving goes on. */
class MalformedRequestTest {
  private static final int MAX_BODY = 1 << 20;
  private static final String PROTOBUF = "application/x-protobuf";

  private final ConsumerSink sink = new ConsumerSink();
  private Receiver receiver;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    receiver = new Receiver(sink, sink, sink, MAX_BODY);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    client.close();
    receiver.close();
  }

  private HttpResponse<byte[]> post(String path, String contentType, String encoding,
      byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(receiver.uri(path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Asserts the status and the Status message, then that a good request is still served. */
  private void assertRefused(HttpResponse<byte[]> response, int status, String messagePart)
      throws Exception {
    assertEquals(status, response.statusCode(), () -> "body: " + new String(response.body()));
    String message = BackpressureTest.statusMessage(response.body());
    assertTrue(message.contains(messagePart), message);
    assertEquals(0, sink.itemCount(), "nothing malformed reached the pipeline");
    HttpResponse<byte[]> ok = post("/v1/logs", PROTOBUF, null, Samples.bytes(Samples.logs(0, 2)));
    assertEquals(200, ok.statusCode(), "the receiver keeps serving");
    assertEquals(0, ok.body().length, "an empty ExportLogsServiceResponse");
    assertEquals(2, sink.itemCount());
    sink.reset();
  }

  private long malformed(String reason) {
    return receiver.logsContext.counterValue("tapio_otlp_receiver_malformed_requests",
        "reason", reason);
  }

  private static byte[] gzip(byte[] data, int repeat) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (int i = 0; i < repeat; i++) {
        gz.write(data);
      }
    }
    return out.toByteArray();
  }

  @Test
  void garbageIs400NamingTheField() throws Exception {
    byte[] garbage = new byte[11];
    Arrays.fill(garbage, (byte) 0xFF);
    assertRefused(post("/v1/logs", PROTOBUF, null, garbage), 400, "malformed OTLP");
    assertEquals(1, malformed("malformed"));
  }

  @Test
  void aTruncatedBodyIs400() throws Exception {
    byte[] full = Samples.bytes(Samples.logs(0, 10));
    assertRefused(post("/v1/logs", PROTOBUF, null, Arrays.copyOf(full, full.length / 2)), 400,
        "offset");
    assertEquals(1, malformed("malformed"));
  }

  @Test
  void truncatedMetricsAndTracesAre400Too() throws Exception {
    byte[] metrics = Samples.bytes(Samples.metrics());
    var r = post("/v1/metrics", PROTOBUF, null, Arrays.copyOf(metrics, metrics.length - 3));
    assertRefused(r, 400, "malformed OTLP");
    byte[] traces = Samples.bytes(Samples.traces());
    r = post("/v1/traces", PROTOBUF, null, Arrays.copyOf(traces, traces.length - 3));
    assertRefused(r, 400, "malformed OTLP");
  }

  @Test
  void aGzipBombIs413WithoutInflatingItAll() throws Exception {
    byte[] bomb = gzip(new byte[1 << 20], 64); // 64 MiB of zeros in ~64 KiB
    assertTrue(bomb.length < MAX_BODY);
    assertRefused(post("/v1/logs", PROTOBUF, "gzip", bomb), 413, "max_request_body_size");
    assertEquals(1, malformed("too_large"));
  }

  @Test
  void aGzippedRequestIsAccepted() throws Exception {
    byte[] body = gzip(Samples.bytes(Samples.logs(0, 4)), 1);
    assertEquals(200, post("/v1/logs", PROTOBUF, "gzip", body).statusCode());
    assertEquals(4, sink.itemCount());
  }

  @Test
  void aZstdRequestIsAccepted() throws Exception {
    // Compressed by the reference C library (zstd-jni), not by the receiver's own codec.
    byte[] body = Zstd.compress(Samples.bytes(Samples.logs(0, 5)));
    assertEquals(200, post("/v1/logs", PROTOBUF, "zstd", body).statusCode());
    assertEquals(5, sink.itemCount());
  }

  @Test
  void aZstdBombIs413() throws Exception {
    byte[] bomb = Zstd.compress(new byte[64 << 20], 19); // 64 MiB of zeros in a few KiB
    assertTrue(bomb.length < 64 << 10, "bomb is " + bomb.length + " bytes");
    assertRefused(post("/v1/logs", PROTOBUF, "zstd", bomb), 413, "max_request_body_size");
    assertEquals(1, malformed("too_large"));
  }

  @Test
  void aBodyThatIsNotZstdIs400() throws Exception {
    assertRefused(post("/v1/logs", PROTOBUF, "zstd", Samples.bytes(Samples.logs(0, 1))), 400,
        "invalid zstd body");
    byte[] good = Zstd.compress(Samples.bytes(Samples.logs(0, 3)));
    assertRefused(post("/v1/logs", PROTOBUF, "zstd", Arrays.copyOf(good, good.length - 4)), 400,
        "invalid zstd body");
    assertEquals(2, malformed("malformed"));
  }

  @Test
  void aBodyThatIsNotGzipIs400() throws Exception {
    assertRefused(post("/v1/logs", PROTOBUF, "gzip", Samples.bytes(Samples.logs(0, 1))), 400,
        "invalid gzip body");
  }

  @Test
  void anOversizedBodyIs413() throws Exception {
    assertRefused(post("/v1/logs", PROTOBUF, null, new byte[MAX_BODY + 1]), 413,
        "max_request_body_size");
    assertEquals(1, malformed("too_large"));
  }

  @Test
  void otherContentTypesAre415() throws Exception {
    assertRefused(post("/v1/logs", "application/xml", null, "<a/>".getBytes()), 415,
        "application/x-protobuf and application/json are supported");
    assertRefused(post("/v1/logs", "text/plain; charset=utf-8", null, "hi".getBytes()), 415,
        "unsupported content type 'text/plain'");
    assertRefused(post("/v1/logs", null, null, new byte[0]), 415, "unsupported content type");
    assertRefused(post("/v1/logs", PROTOBUF, "br", new byte[0]), 415,
        "unsupported content encoding 'br'");
    assertEquals(4, malformed("unsupported_media_type"));
  }

  @Test
  void wrongMethodIs405AndUnknownPathIs404() throws Exception {
    var get = client.send(HttpRequest.newBuilder(receiver.uri("/v1/logs")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
    assertRefused(get, 405, "use POST");
    assertRefused(post("/v1/profiles", PROTOBUF, null, new byte[0]), 404, "unknown path");
  }

  @Test
  void aSignalWhoseReceiverIsStoppingIsToldToRetryNotThatItIsUnknown() throws Exception {
    // A stopping process stops its receivers one by one around a listening server: a request
    // for a signal already released must be retried (a 404 made exporters drop batches).
    receiver.stopTraces();
    HttpResponse<byte[]> r = post("/v1/traces", PROTOBUF, null, new byte[0]);
    assertRefused(r, 503, "starting or stopping");
    assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
    assertEquals(200, post("/v1/logs", PROTOBUF, null, new byte[0]).statusCode(),
        "the other signals are still served");
  }

  @Test
  void anEmptyRequestIsAcceptedAsNoData() throws Exception {
    assertEquals(200, post("/v1/logs", PROTOBUF, null, new byte[0]).statusCode());
    assertEquals(0, sink.itemCount());
    assertEquals(0, malformed("malformed"));
  }
}
