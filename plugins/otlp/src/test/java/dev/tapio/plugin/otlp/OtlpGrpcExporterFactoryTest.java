package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.testkit.ConsumerSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gRPC exporter's endpoint as the Collector reads it: with or without a scheme. */
class OtlpGrpcExporterFactoryTest {
  private final OtlpGrpcExporterFactory factory = new OtlpGrpcExporterFactory();

  @Test
  void httpSchemeIsPlaintextAndHttpsIsTlsWhateverInsecureSays() throws ConfigException {
    OtlpGrpcExporterConfig plain = ComponentConfigs.read(factory,
        "endpoint: http://gateway:4317\n");
    assertEquals("gateway:4317", plain.endpoint());
    assertTrue(plain.tls().insecure());
    OtlpGrpcExporterConfig tls = ComponentConfigs.read(factory,
        "endpoint: https://gateway:4317/\ntls: {insecure: true}\n");
    assertEquals("gateway:4317", tls.endpoint());
    assertFalse(tls.tls().insecure(), "https:// overrides insecure, as in the Collector");
    OtlpGrpcExporterConfig bare = ComponentConfigs.read(factory, "endpoint: gateway:4317\n");
    assertFalse(bare.tls().insecure(), "no scheme: TLS unless tls.insecure");
  }

  @Test
  void plaintextSchemeWithCertificatesIsAnErrorAtItsLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        "tls: {ca_file: /etc/ca.pem}\nendpoint: http://gateway:4317\n"));
    assertTrue(e.getMessage().contains("component.yaml:2:11")
        && e.getMessage().contains("'http://' means plaintext"), e.getMessage());
    ConfigException bad = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        factory, "endpoint: ftp://gateway\n"));
    assertTrue(bad.getMessage().contains("https://host:port (TLS)"), bad.getMessage());
  }

  @Test
  void anHttpSchemeEndpointDeliversOverPlaintext() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink)) {
      OtlpGrpcExporter exporter = GrpcTest.start(ComponentConfigs.read(factory,
          "endpoint: http://" + receiver.endpoint() + "\n"), Signal.LOGS);
      try {
        exporter.consumeLogs(Samples.logs(0, 10));
      } finally {
        exporter.shutdown();
      }
      sink.awaitItems(10, Duration.ofSeconds(10));
      assertEquals(10, sink.itemCount());
    }
  }
}
