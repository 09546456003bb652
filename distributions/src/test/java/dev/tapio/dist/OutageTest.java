package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import dev.tapio.component.ComponentId;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent → backend over OTLP/HTTP with the backend down for 30 s in the middle of the run: the
 * agent's exporter retries, its pipeline queue fills and pushes back on the receiver, and when
 * the backend returns every record arrives, counted exactly (duplicates are counted too).
 */
class OutageTest {

  static Tapio backend(int port, Path out) throws Exception {
    return Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1).config("backend.yaml", """
        receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}}
        exporters: {file: {path: "%s", flush_interval: 0s}}
        service: {pipelines: {logs: {receivers: [otlp], exporters: [file]}}}
        """.formatted(port, out)).start();
  }

  @Test
  void aThirtySecondBackendOutageLosesNothing(@TempDir Path dir) throws Exception {
    int port = Dist.freePort();
    int n = 40_000;
    Tapio backend = backend(port, dir.resolve("before.json"));
    Tapio agent = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("agent.yaml", """
            receivers: {synthetic: {count: %d, rate: 1000, batch_size: 50}}
            processors: {batch: {send_batch_size: 500, timeout: 100ms}}
            exporters:
              otlphttp:
                endpoint: "http://127.0.0.1:%d"
                retry_on_failure: {initial_interval: 200ms, max_interval: 1s,
                  max_elapsed_time: 0s}
            service:
              pipelines:
                logs:
                  receivers: [synthetic]
                  processors: [batch]
                  exporters: [otlphttp]
                  queue: {size: 64, overflow: block, block_timeout: 100ms}
            """.formatted(n, port)).start();
    try {
      Thread.sleep(5_000);
      backend.close();
      Thread.sleep(30_000);
      backend = backend(port, dir.resolve("after.json"));
      ComponentId synthetic = ComponentId.parse("synthetic");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (Dist.seqs(dir).size() < n && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(agent.graph().acceptedFromReceiver(synthetic) >= n);
    } finally {
      agent.close();
      backend.close();
    }
    List<Long> seqs = Dist.seqs(dir);
    Set<Long> unique = new HashSet<>(seqs);
    System.out.println("outage test: " + seqs.size() + " records written, " + unique.size()
        + " unique, " + (seqs.size() - unique.size()) + " duplicates");
    assertEquals(n, unique.size(), "every record arrives");
    for (long i = 0; i < n; i++) {
      assertTrue(unique.contains(i), "missing seq " + i);
    }
    assertEquals(0, seqs.size() - unique.size(), "no duplicates expected with a clean stop");
  }
}
