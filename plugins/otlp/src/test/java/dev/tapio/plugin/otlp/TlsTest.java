package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapio.component.Component;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestCertificates;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TLS and mutual TLS with real certificates (made by openssl), against opentelemetry-java's
 * OTLP exporters as the independent client and between Tapio's own exporters and receiver.
 */
class TlsTest {

  /** The shared test PKI; skips the test with the reason when openssl is missing. */
  static TestCertificates certificates() throws IOException {
    assumeTrue(TestCertificates.opensslAvailable(), "openssl is not installed: it makes the TLS"
        + " tests' certificates (./tapio test installs it)");
    return TestCertificates.shared();
  }

  /** A logs-only otlp receiver on both protocols, each with {@code tls}. */
  private static final class TlsReceiver implements AutoCloseable {
    final ConsumerSink sink = new ConsumerSink();
    final int httpPort;
    final int grpcPort;
    private final Component receiver;

    TlsReceiver(String tls) throws Exception {
      httpPort = AuthTest.freePort();
      grpcPort = AuthTest.freePort();
      OtlpReceiverFactory f = new OtlpReceiverFactory();
      var config = ComponentConfigs.read(f, """
          protocols:
            http: {endpoint: "127.0.0.1:%d", tls: %s}
            grpc: {endpoint: "127.0.0.1:%d", tls: %s}
          """.formatted(httpPort, tls, grpcPort, tls));
      receiver = f.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS), config, sink);
      receiver.start(new TestHost());
    }

    @Override
    public void close() throws Exception {
      receiver.shutdown();
    }
  }

  private static String mutual(TestCertificates c) {
    return "{cert_file: %s, key_file: %s, client_ca_file: %s}".formatted(c.serverCert,
        c.serverKey, c.ca);
  }

  /** Emits one log record through {@code exporter}; whether the export succeeded. */
  private static boolean sdkSend(LogRecordExporter exporter, String body) {
    SdkLoggerProvider provider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter)).build();
    try {
      provider.get("tls-test").logRecordBuilder().setBody(body).emit();
      return provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static LogRecordExporter sdkGrpc(int port, TestCertificates c, Path cert, Path key)
      throws IOException {
    var b = OtlpGrpcLogRecordExporter.builder().setEndpoint("https://localhost:" + port)
        .setTrustedCertificates(TestCertificates.bytes(c.ca)).setRetryPolicy(null)
        .setTimeout(Duration.ofSeconds(10));
    if (cert != null) {
      b.setClientTls(TestCertificates.bytes(key), TestCertificates.bytes(cert));
    }
    return b.build();
  }

  private static LogRecordExporter sdkHttp(int port, TestCertificates c, Path cert, Path key)
      throws IOException {
    var b = OtlpHttpLogRecordExporter.builder()
        .setEndpoint("https://localhost:" + port + "/v1/logs")
        .setTrustedCertificates(TestCertificates.bytes(c.ca)).setRetryPolicy(null)
        .setTimeout(Duration.ofSeconds(10));
    if (cert != null) {
      b.setClientTls(TestCertificates.bytes(key), TestCertificates.bytes(cert));
    }
    return b.build();
  }

  @Test
  void sdkExportersWithAClientCertificateSendOverMutualTls() throws Exception {
    TestCertificates c = certificates();
    try (TlsReceiver r = new TlsReceiver(mutual(c))) {
      assertTrue(sdkSend(sdkGrpc(r.grpcPort, c, c.clientCert, c.clientKey), "over grpc"));
      assertTrue(sdkSend(sdkHttp(r.httpPort, c, c.clientCert, c.clientKey), "over https"));
      r.sink.awaitItems(2, Duration.ofSeconds(10));
      assertEquals("over grpc", r.sink.logs().get(0).resourceLogs().get(0).scopeLogs().get(0)
          .logRecords().get(0).bodyString());
      assertEquals("over https", r.sink.logs().get(1).resourceLogs().get(0).scopeLogs().get(0)
          .logRecords().get(0).bodyString());
    }
  }

  @Test
  void clientsWithoutATrustedCertificateAreRefusedInTheHandshake() throws Exception {
    TestCertificates c = certificates();
    try (TlsReceiver r = new TlsReceiver(mutual(c))) {
      assertFalse(sdkSend(sdkGrpc(r.grpcPort, c, null, null), "no cert"));
      assertFalse(sdkSend(sdkHttp(r.httpPort, c, null, null), "no cert"));
      assertFalse(sdkSend(sdkGrpc(r.grpcPort, c, c.otherClientCert, c.otherClientKey), "other"));
      assertFalse(sdkSend(sdkHttp(r.httpPort, c, c.otherClientCert, c.otherClientKey), "other"));
      assertEquals(0, r.sink.itemCount());
      // Plaintext on a TLS port gets nowhere either.
      var plain = OtlpHttpLogRecordExporter.builder()
          .setEndpoint("http://localhost:" + r.httpPort + "/v1/logs").setRetryPolicy(null)
          .setTimeout(Duration.ofSeconds(10)).build();
      assertFalse(sdkSend(plain, "plaintext"));
      assertEquals(0, r.sink.itemCount());
    }
  }

  private static LogsExporter exporter(String type, String yaml) throws Exception {
    LogsExporter e = type.equals("otlp")
        ? new OtlpGrpcExporterFactory().createLogs(
            new TestContext("otlp", Kind.EXPORTER, Signal.LOGS),
            ComponentConfigs.read(new OtlpGrpcExporterFactory(), yaml))
        : new OtlpHttpExporterFactory().createLogs(
            new TestContext("otlphttp", Kind.EXPORTER, Signal.LOGS),
            ComponentConfigs.read(new OtlpHttpExporterFactory(), yaml));
    e.start(new TestHost());
    return e;
  }

  /** Synchronous, no retries: a failure is thrown at once. */
  private static final String SYNC = """
      sending_queue: {enabled: false}
      retry_on_failure: {enabled: false}
      """;

  @Test
  void tapioExportersSendOverMutualTlsWithEveryCompression() throws Exception {
    TestCertificates c = certificates();
    String tls = "tls: {ca_file: %s, cert_file: %s, key_file: %s}\n".formatted(c.ca,
        c.clientCert, c.clientKey);
    try (TlsReceiver r = new TlsReceiver(mutual(c))) {
      int sent = 0;
      for (String compression : new String[] {"gzip", "zstd", "none"}) {
        LogsExporter grpc = exporter("otlp", "endpoint: localhost:" + r.grpcPort + "\n" + tls
            + SYNC + "compression: " + compression + "\n");
        LogsExporter http = exporter("otlphttp", "endpoint: https://localhost:" + r.httpPort
            + "\n" + tls + SYNC + "compression: " + compression + "\n");
        try {
          grpc.consumeLogs(LogsBuilder.logs("grpc-" + compression, 10));
          http.consumeLogs(LogsBuilder.logs("http-" + compression, 20));
          sent += 30;
        } finally {
          grpc.shutdown();
          http.shutdown();
        }
      }
      r.sink.awaitItems(sent, Duration.ofSeconds(10));
      assertEquals(90, r.sink.itemCount());
    }
  }

  @Test
  void tapioExportersRefuseAServerTheyDoNotTrustUnlessToldToSkipVerification()
      throws Exception {
    TestCertificates c = certificates();
    String serverOnly = "{cert_file: %s, key_file: %s}".formatted(c.serverCert, c.serverKey);
    try (TlsReceiver r = new TlsReceiver(serverOnly)) {
      for (String type : new String[] {"otlp", "otlphttp"}) {
        String endpoint = type.equals("otlp") ? "localhost:" + r.grpcPort
            : "https://localhost:" + r.httpPort;
        LogsExporter wrongCa = exporter(type, "endpoint: " + endpoint + "\ntls: {ca_file: "
            + c.otherCa + "}\n" + SYNC);
        LogsExporter jdkRoots = exporter(type, "endpoint: " + endpoint + "\n" + SYNC);
        LogsExporter skip = exporter(type, "endpoint: " + endpoint
            + "\ntls: {insecure_skip_verify: true}\n" + SYNC);
        try {
          assertThrows(ConsumerException.class,
              () -> wrongCa.consumeLogs(LogsBuilder.logs(type, 1)), type + " with another CA");
          assertThrows(ConsumerException.class,
              () -> jdkRoots.consumeLogs(LogsBuilder.logs(type, 1)), type + " with JDK roots");
          assertEquals(type.equals("otlp") ? 0 : 3, r.sink.itemCount());
          skip.consumeLogs(LogsBuilder.logs(type, 3));
        } finally {
          wrongCa.shutdown();
          jdkRoots.shutdown();
          skip.shutdown();
        }
      }
      assertEquals(6, r.sink.itemCount());
    }
  }

  @Test
  void serverKeysInPkcs1RsaAndSec1EcFormServingCertificates() throws Exception {
    TestCertificates c = certificates();
    assertTrue(Files.readString(c.rsaServerKey).contains("BEGIN RSA PRIVATE KEY"));
    assertTrue(Files.readString(c.sec1ServerKey).contains("BEGIN EC PRIVATE KEY"));
    for (Path[] pair : new Path[][] {{c.rsaServerCert, c.rsaServerKey},
        {c.sec1ServerCert, c.sec1ServerKey}}) {
      try (TlsReceiver r = new TlsReceiver("{cert_file: %s, key_file: %s}".formatted(pair[0],
          pair[1]))) {
        assertTrue(sdkSend(sdkGrpc(r.grpcPort, c, null, null), "grpc"), pair[1].toString());
        assertTrue(sdkSend(sdkHttp(r.httpPort, c, null, null), "http"), pair[1].toString());
        assertEquals(2, r.sink.itemCount());
      }
    }
  }

  @Test
  void unreadableOrWrongFilesFailTheStartNamingTheFile() throws Exception {
    TestCertificates c = certificates();
    IOException missing = assertThrows(IOException.class, () -> new TlsReceiver(
        "{cert_file: /nonexistent/server.pem, key_file: %s}".formatted(c.serverKey)));
    assertTrue(missing.getMessage().contains("/nonexistent/server.pem"), missing.getMessage());
    IOException notAKey = assertThrows(IOException.class, () -> new TlsReceiver(
        "{cert_file: %s, key_file: %s}".formatted(c.serverCert, c.serverCert)));
    assertTrue(notAKey.getMessage().contains("holds no PEM private key"), notAKey.getMessage());
    IOException mismatch = assertThrows(IOException.class, () -> new TlsReceiver(
        "{cert_file: %s, key_file: %s}".formatted(c.serverCert, c.clientKey)));
    assertTrue(mismatch.getMessage().contains(c.clientKey.toString()), mismatch.getMessage());
    Path encrypted = c.dir.resolve("encrypted.key");
    Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");
    IOException e = assertThrows(IOException.class, () -> TlsContexts.privateKey(
        encrypted.toString()));
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
  }

  @Test
  void tlsConfigurationMistakesAreReportedWithTheirKeys() {
    OtlpReceiverFactory f = new OtlpReceiverFactory();
    ConfigException noKey = assertThrows(ConfigException.class, () -> ComponentConfigs.read(f,
        "protocols: {grpc: {tls: {cert_file: /a.pem}}}"));
    assertTrue(noKey.getMessage().contains("protocols.grpc.tls"), noKey.getMessage());
    ConfigException old = assertThrows(ConfigException.class, () -> ComponentConfigs.read(f,
        "protocols: {http: {tls: {cert_file: /a.pem, key_file: /a.key, min_version: \"1.1\"}}}"));
    assertTrue(old.getMessage().contains("protocols.http.tls.min_version"), old.getMessage());
    assertTrue(old.getMessage().contains("disables TLS 1.0 and 1.1"), old.getMessage());
    ConfigException half = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new OtlpHttpExporterFactory(), "endpoint: https://g:4318\ntls: {cert_file: /c.pem}"));
    assertTrue(half.getMessage().contains("cert_file and key_file go together"),
        half.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new OtlpGrpcExporterFactory(), "endpoint: g:4317\ntls: {ca_fil: /c.pem}"));
    assertTrue(unknown.getMessage().contains("ca_fil"), unknown.getMessage());
  }
}
