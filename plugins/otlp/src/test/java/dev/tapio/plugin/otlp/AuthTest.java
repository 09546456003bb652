package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.plugin.bearertokenauth.BearerTokenAuthFactory;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestCertificates;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The otlp receiver checks requests with a real bearertokenauth extension. */
class AuthTest {

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> post(int port, byte[] body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/logs"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsWithoutTheTokenGet401AndWithItArrive() throws Exception {
    BearerTokenAuthFactory authFactory = new BearerTokenAuthFactory();
    Component auth = authFactory.create(
        new TestContext("bearertokenauth", Kind.EXTENSION, null),
        ComponentConfigs.read(authFactory, "token: s3cret"));
    auth.start(new TestHost());
    int port = freePort();
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
        """.formatted(port));
    ConsumerSink sink = new ConsumerSink();
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, sink);
    receiver.start(new TestHost(Map.of(ComponentId.parse("bearertokenauth"), auth)));
    try {
      OtlpEncoder encoder = new OtlpEncoder();
      encoder.encode(LogsBuilder.logs("auth", 7));
      byte[] body = encoder.toByteArray();

      HttpResponse<String> none = post(port, body, null);
      assertEquals(401, none.statusCode());
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(401, post(port, body, "Bearer wrong").statusCode());
      assertEquals(0, sink.itemCount(), "refused requests reach nothing");

      assertEquals(200, post(port, body, "Bearer s3cret").statusCode());
      assertEquals(7, sink.itemCount());
    } finally {
      receiver.shutdown();
      auth.shutdown();
    }
  }

  @Test
  void anAuthenticatorThatIsNotAnExtensionFailsTheStart() throws Exception {
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
        """.formatted(freePort()));
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, new ConsumerSink());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> receiver.start(new TestHost()));
    assertTrue(e.getMessage().contains("service.extensions"), e.getMessage());
    receiver.shutdown();
  }

  private static Component bearer(String token) throws Exception {
    return bearer(token, new TestContext("bearertokenauth", Kind.EXTENSION, null));
  }

  private static Component bearer(String token, TestContext context) throws Exception {
    BearerTokenAuthFactory f = new BearerTokenAuthFactory();
    Component auth = f.create(context, ComponentConfigs.read(f, "token: " + token));
    auth.start(new TestHost());
    return auth;
  }

  private static boolean sdkGrpcSend(int port, String authorization) {
    var b = OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + port)
        .setRetryPolicy(null).setTimeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.addHeader("Authorization", authorization);
    }
    SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(b.build())).build();
    try {
      provider.get("auth-test").logRecordBuilder().setBody("hello").emit();
      return provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcCallsWithoutTheTokenAreUnauthenticatedAndWithItArrive() throws Exception {
    Component auth = bearer("s3cret");
    int port = freePort();
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
        """.formatted(port));
    ConsumerSink sink = new ConsumerSink();
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, sink);
    receiver.start(new TestHost(Map.of(ComponentId.parse("bearertokenauth"), auth)));
    try {
      assertFalse(sdkGrpcSend(port, null));
      assertFalse(sdkGrpcSend(port, "Bearer wrong"));
      assertEquals(0, sink.itemCount(), "refused calls reach nothing");
      assertTrue(sdkGrpcSend(port, "Bearer s3cret"));
      assertEquals(1, sink.itemCount());

      // UNAUTHENTICATED is what the client sees, as gRPC status.
      LogsExporter unauthenticated = new OtlpGrpcExporterFactory().createLogs(
          new TestContext("otlp", Kind.EXPORTER, Signal.LOGS),
          ComponentConfigs.read(new OtlpGrpcExporterFactory(), """
              endpoint: "127.0.0.1:%d"
              tls: {insecure: true}
              sending_queue: {enabled: false}
              """.formatted(port)));
      unauthenticated.start(new TestHost());
      try {
        ConsumerException e = assertThrows(ConsumerException.class,
            () -> unauthenticated.consumeLogs(LogsBuilder.logs("x", 1)));
        assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
        assertFalse(e.retryable(), "an authentication failure is permanent");
      } finally {
        unauthenticated.shutdown();
      }
    } finally {
      receiver.shutdown();
      auth.shutdown();
    }
  }

  @Test
  void exportersSendTheAuthenticatorsTokenAndAWrongOneIsNotRetried() throws Exception {
    TestContext serverAuthContext = new TestContext("bearertokenauth", Kind.EXTENSION, null);
    Component serverAuth = bearer("s3cret", serverAuthContext);
    Component rightToken = bearer("s3cret");
    Component wrongToken = bearer("guess");
    int httpPort = freePort();
    int grpcPort = freePort();
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    TestCertificates certs = TlsTest.certificates();
    // gRPC over TLS: the otlp exporter refuses to send credentials in plaintext.
    var config = ComponentConfigs.read(factory, """
        protocols:
          http: {endpoint: "127.0.0.1:%d", auth: {authenticator: bearertokenauth}}
          grpc:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
            tls: {cert_file: "%s", key_file: "%s"}
        """.formatted(httpPort, grpcPort, certs.serverCert, certs.serverKey));
    ConsumerSink sink = new ConsumerSink();
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, sink);
    receiver.start(new TestHost(Map.of(ComponentId.parse("bearertokenauth"), serverAuth)));
    TestHost exporterHost = new TestHost(Map.of(ComponentId.parse("bearertokenauth/right"),
        rightToken, ComponentId.parse("bearertokenauth/wrong"), wrongToken));
    try {
      int delivered = 0;
      for (String type : new String[] {"otlp", "otlphttp"}) {
        // A static header of the same name loses to the authenticator's credential.
        String endpoint = type.equals("otlp") ? "endpoint: \"localhost:" + grpcPort
            + "\"\ntls: {ca_file: \"" + certs.ca + "\"}\n"
            + "headers: {authorization: \"Bearer stale\"}\n"
            : "endpoint: http://127.0.0.1:" + httpPort + "\n"
            + "headers: {Authorization: \"Bearer stale\"}\n";
        // Retries on, fast: a permanent failure must still be tried exactly once.
        String common = endpoint + """
            sending_queue: {enabled: false}
            retry_on_failure: {initial_interval: 10ms, max_interval: 20ms}
            """;
        LogsExporter right = exporter(type, common + "auth: {authenticator: bearertokenauth/right}",
            exporterHost);
        LogsExporter wrong = exporter(type, common + "auth: {authenticator: bearertokenauth/wrong}",
            exporterHost);
        try {
          right.consumeLogs(LogsBuilder.logs(type, 4));
          delivered += 4;
          assertEquals(delivered, sink.itemCount());
          long refusedBefore = refused(serverAuthContext);
          ConsumerException e = assertThrows(ConsumerException.class,
              () -> wrong.consumeLogs(LogsBuilder.logs(type, 4)));
          assertFalse(e.retryable(), type + ": " + e.getMessage());
          assertEquals(refusedBefore + 1, refused(serverAuthContext), type + ": tried exactly once");
          assertEquals(delivered, sink.itemCount());
        } finally {
          right.shutdown();
          wrong.shutdown();
        }
      }
    } finally {
      receiver.shutdown();
      serverAuth.shutdown();
      rightToken.shutdown();
      wrongToken.shutdown();
    }
  }

  @Test
  void theGrpcExporterRefusesToSendCredentialsInPlaintext() throws Exception {
    Component token = bearer("s3cret");
    LogsExporter e = new OtlpGrpcExporterFactory().createLogs(
        new TestContext("otlp", Kind.EXPORTER, Signal.LOGS),
        ComponentConfigs.read(new OtlpGrpcExporterFactory(), """
            endpoint: "127.0.0.1:4317"
            tls: {insecure: true}
            auth: {authenticator: bearertokenauth}
            """));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> e.start(
        new TestHost(Map.of(ComponentId.parse("bearertokenauth"), token))));
    assertTrue(refused.getMessage().contains("credentials in plaintext"), refused.getMessage());
    e.shutdown();
    token.shutdown();
  }

  private static long refused(TestContext auth) {
    return auth.counterValue("tapio_bearertokenauth_refused_requests", "reason",
        "unauthenticated");
  }

  private static LogsExporter exporter(String type, String yaml, TestHost host)
      throws Exception {
    LogsExporter e = type.equals("otlp")
        ? new OtlpGrpcExporterFactory().createLogs(
            new TestContext("otlp", Kind.EXPORTER, Signal.LOGS),
            ComponentConfigs.read(new OtlpGrpcExporterFactory(), yaml))
        : new OtlpHttpExporterFactory().createLogs(
            new TestContext("otlphttp", Kind.EXPORTER, Signal.LOGS),
            ComponentConfigs.read(new OtlpHttpExporterFactory(), yaml));
    e.start(host);
    return e;
  }
}
