package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, case 2: idle clients cannot take the process's file descriptors. A real
 * {@code bin/tapio} gateway runs under {@code prlimit --nofile=1024:1024} with the otlp
 * receiver's default connection limits; 1,500 idle TCP connections are opened to its gRPC port
 * and 1,500 to its HTTP port (no authentication needed, nothing sent) — together three times
 * what the process may hold. What must hold while they stay open: {@code /metrics} and
 * {@code /healthz} answer, tapio never logs "Too many open files", and the refusals are
 * counted; once they leave, an ordinary OTLP/HTTP client is answered 200.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FdExhaustionTest {
  private static final int ATTACKERS_PER_PORT = 1_500;

  @Test
  void idleConnectionsCannotTakeTheDescriptorsMetricsAndHealthNeed(@TempDir Path dir)
      throws Exception {
    int http = Dist.freePort();
    int grpc = Dist.freePort();
    int metrics = Dist.freePort();
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        receivers:
          otlp:
            protocols:
              http: {endpoint: "127.0.0.1:%d"}
              grpc: {endpoint: "127.0.0.1:%d"}
        exporters: {debug: {verbosity: basic}}
        service:
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs: {receivers: [otlp], exporters: [debug]}
        """.formatted(http, grpc, metrics));
    TapioProcess tapio = TapioProcess.start(config, "prlimit", "--nofile=1024:1024");
    List<Socket> attackers = new ArrayList<>();
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build()) {
      for (int port : new int[] {grpc, http}) {
        for (int i = 0; i < ATTACKERS_PER_PORT; i++) {
          Socket s = new Socket();
          // The kernel completes the handshake from the backlog whether or not tapio accepts.
          s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
          attackers.add(s);
        }
      }
      // While every attacker is still connected: the process's own listeners answer.
      for (int i = 0; i < 5; i++) {
        assertEquals(200, get(client, metrics, "/metrics").statusCode());
        assertEquals(200, get(client, metrics, "/healthz").statusCode());
        Thread.sleep(200);
      }
      String scrape = get(client, metrics, "/metrics").body();
      long refused = sum(scrape, "tapio_otlp_receiver_refused_connections");
      assertTrue(refused > 0, "no connection refused:\n" + grep(scrape, "connections"));
      for (Socket s : attackers) {
        s.close();
      }
      attackers.clear();
      // Once they have gone, clients are served again.
      byte[] body = OtlpRequests.logs(0, 10, 0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int status;
      do {
        status = postOrZero(client, http, body);
      } while (status != 200 && System.nanoTime() < deadline && sleep());
      assertEquals(200, status, tapio.output().toString());
      assertFalse(tapio.output().toString().contains("Too many open files"),
          tapio.output().toString());
      assertTrue(tapio.terminate(30), "tapio did not stop on SIGTERM");
    } finally {
      for (Socket s : attackers) {
        s.close();
      }
      tapio.destroy();
    }
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path)
      throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int postOrZero(HttpClient client, int port, byte[] body) {
    try {
      return OtlpRequests.post(client, port, body);
    } catch (IOException | InterruptedException e) {
      return 0;
    }
  }

  private static boolean sleep() throws InterruptedException {
    Thread.sleep(200);
    return true;
  }

  /** The sum of every sample of {@code metric} in a Prometheus text scrape. */
  private static long sum(String scrape, String metric) {
    long total = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + "_total{")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static String grep(String text, String word) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.contains(word)) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
