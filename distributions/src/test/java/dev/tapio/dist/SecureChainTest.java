package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapio.Tapio;
import dev.tapio.component.ComponentId;
import dev.tapio.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway chain with everything a production deployment turns on, through the plugin jars
 * of the distribution: agent → OTLP/gRPC with mutual TLS, a bearer token and zstd → gateway
 * (memory_limiter, batch) → OTLP/HTTP JSON over HTTPS → backend → file. Every record arrives
 * once.
 */
class SecureChainTest {

  @Test
  void recordsCrossMutualTlsTokensZstdAndJsonIntact(@TempDir Path dir) throws Exception {
    assumeTrue(TestCertificates.opensslAvailable(), "openssl is not installed: it makes the"
        + " certificates (./tapio test installs it)");
    TestCertificates c = TestCertificates.shared();
    Path token = dir.resolve("token");
    Files.writeString(token, "agent-secret-1\n");
    int backendPort = Dist.freePort();
    int gatewayPort = Dist.freePort();
    int n = 20_000;
    Path out = dir.resolve("out");
    Files.createDirectories(out);

    Tapio backend = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("backend.yaml", """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: "127.0.0.1:%d"
                    tls: {cert_file: "%s", key_file: "%s"}
            exporters: {file: {path: "%s", flush_interval: 0s}}
            service: {pipelines: {logs: {receivers: [otlp], exporters: [file]}}}
            """.formatted(backendPort, c.serverCert, c.serverKey, out.resolve("logs.json")))
        .start();
    Tapio gateway = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("gateway.yaml", """
            extensions:
              bearertokenauth: {filename: "%s"}
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: "127.0.0.1:%d"
                    tls: {cert_file: "%s", key_file: "%s", client_ca_file: "%s"}
                    auth: {authenticator: bearertokenauth}
            processors:
              memory_limiter: {check_interval: 1s, limit_mib: 512}
              batch: {send_batch_size: 1000, timeout: 100ms}
            exporters:
              otlphttp:
                endpoint: "https://localhost:%d"
                encoding: json
                tls: {ca_file: "%s"}
                retry_on_failure: {initial_interval: 100ms, max_interval: 1s}
            service:
              extensions: [bearertokenauth]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [memory_limiter, batch]
                  exporters: [otlphttp]
            """.formatted(token, gatewayPort, c.serverCert, c.serverKey, c.ca, backendPort,
            c.ca)).start();
    Tapio agent = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("agent.yaml", """
            extensions:
              bearertokenauth: {filename: "%s"}
            receivers: {synthetic: {count: %d, rate: 10000, batch_size: 100}}
            processors: {batch: {send_batch_size: 500, timeout: 100ms}}
            exporters:
              otlp:
                endpoint: "localhost:%d"
                tls: {ca_file: "%s", cert_file: "%s", key_file: "%s"}
                auth: {authenticator: bearertokenauth}
                compression: zstd
                retry_on_failure: {initial_interval: 100ms, max_interval: 1s}
            service:
              extensions: [bearertokenauth]
              pipelines:
                logs:
                  receivers: [synthetic]
                  processors: [batch]
                  exporters: [otlp]
            """.formatted(token, n, gatewayPort, c.ca, c.clientCert, c.clientKey)).start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (Dist.seqs(out).size() < n && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(agent.graph().acceptedFromReceiver(ComponentId.parse("synthetic")) >= n);
    } finally {
      agent.close();
      gateway.close();
      backend.close();
    }
    List<Long> seqs = Dist.seqs(out);
    Set<Long> unique = new HashSet<>(seqs);
    assertEquals(n, unique.size(), "every record arrives");
    for (long i = 0; i < n; i++) {
      assertTrue(unique.contains(i), "missing seq " + i);
    }
    assertEquals(n, seqs.size(), "and only once");
  }
}
