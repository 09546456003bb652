package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent → gateway → backend over OTLP/HTTP, with the gateway a real {@code bin/tapio} process
 * whose exporter has a persistent sending queue ({@code file_storage}) and whose pipeline is
 * synchronous ({@code queue.size: 0}), so its receiver answers 200 only once the batch is on
 * disk. The gateway is killed with SIGKILL mid-stream and started again on the same port and
 * storage directory: every record arrives (at-least-once); duplicates are counted, not refused.
 * The backend is down around the kill, so the gateway dies holding acknowledged batches on disk.
 */
class GatewayRestartTest {

  @Test
  void aGatewayKilledMidStreamLosesNothingWithAPersistentQueue(@TempDir Path dir)
      throws Exception {
    int n = 40_000;
    int gatewayPort = Dist.freePort();
    int backendPort = Dist.freePort();
    int metricsPort = Dist.freePort();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path storage = dir.resolve("storage");
    Files.createDirectories(storage);
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        extensions: {file_storage: {directory: "%s"}}
        receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}}
        exporters:
          otlphttp:
            endpoint: "http://127.0.0.1:%d"
            sending_queue: {storage: file_storage}
            retry_on_failure: {initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 0s}
        service:
          extensions: [file_storage]
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs: {receivers: [otlp], exporters: [otlphttp], queue: {size: 0}}
        """.formatted(storage, gatewayPort, backendPort, metricsPort));

    long t0 = System.nanoTime();
    Tapio backend = OutageTest.backend(backendPort, out.resolve("backend.json"));
    TapioProcess gateway = TapioProcess.start(config);
    Tapio agent = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("agent.yaml", """
            receivers: {synthetic: {count: %d, rate: 2000, batch_size: 100}}
            exporters:
              otlphttp:
                endpoint: "http://127.0.0.1:%d"
                retry_on_failure: {initial_interval: 100ms, max_interval: 1s,
                  max_elapsed_time: 0s}
            service:
              pipelines:
                logs: {receivers: [synthetic], exporters: [otlphttp]}
            """.formatted(n, gatewayPort)).start();
    int atKill;
    try {
      // Mid-stream: some records are through, most are still to come.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Dist.seqs(out).size() < n / 4 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // The backend goes away for a moment first, so that the gateway's disk queue surely holds
      // acknowledged batches when it is killed: only the disk can deliver those.
      backend.close();
      Thread.sleep(1_500);
      atKill = Dist.seqs(out).size();
      assertTrue(atKill > 0 && atKill < n, "not mid-stream at the kill: " + atKill);
      gateway.kill9();
      backend = OutageTest.backend(backendPort, out.resolve("backend-after.json"));
      gateway = TapioProcess.start(config);
      assertTrue(gateway.output().toString().contains("resending"),
          "nothing was left on disk to resend:\n" + gateway.output());
      deadline = System.nanoTime() + 60_000_000_000L;
      while (new HashSet<>(Dist.seqs(out)).size() < n && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    } finally {
      agent.close();
      gateway.destroy();
      backend.close();
    }
    List<Long> seqs = Dist.seqs(out);
    Set<Long> unique = new HashSet<>(seqs);
    System.out.println("gateway restart test: killed after " + atKill + " records at the backend; "
        + seqs.size() + " records written, " + unique.size() + " unique, "
        + (seqs.size() - unique.size()) + " duplicates, "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; after the restart: "
        + gateway.output().toString().lines().filter(l -> l.contains("resending")).findFirst()
            .orElseThrow());
    for (long i = 0; i < n; i++) {
      long seq = i;
      TapioProcess last = gateway;
      assertTrue(unique.contains(i), () -> "missing seq " + seq + "; gateway output:\n"
          + last.output());
    }
    assertEquals(n, unique.size(), "every record arrives, and only those");
  }
}
