package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import dev.tapio.component.ComponentId;
import dev.tapio.engine.config.PipelineId;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * synthetic -> batch -> file through the built-in plugin jars loaded by PF4J from the
 * distribution: every record arrives exactly once, and shutdown drains what is in flight.
 */
class ExactlyOnceTest {

  @Test
  void everyRecordArrivesExactlyOnceThroughBatchToFile(@TempDir Path dir) throws Exception {
    int n = 25_000;
    Path out = dir.resolve("out/logs.json");
    String yaml = """
        receivers:
          synthetic: {count: %d, rate: 0, batch_size: 37, attribute_count: 2}
        processors:
          batch: {send_batch_size: 1000, send_batch_max_size: 1500, timeout: 50ms}
        exporters:
          file: {path: "%s"}
        service:
          pipelines:
            logs: {receivers: [synthetic], processors: [batch], exporters: [file]}
        """.formatted(n, out);
    try (Tapio tapio = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("e2e.yaml", yaml).start()) {
      PipelineId logs = PipelineId.parse("logs");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (tapio.graph().processedByPipeline().get(logs) < n && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(n, tapio.graph().processedByPipeline().get(logs));
    }
    List<Long> seqs = Dist.seqs(out.getParent());
    assertEquals(n, seqs.size(), "records written");
    Set<Long> unique = new HashSet<>(seqs);
    assertEquals(n, unique.size(), "no duplicates");
    for (long i = 0; i < n; i++) {
      assertTrue(unique.contains(i), "missing seq " + i);
    }
  }

  @Test
  void shutdownDrainsTheQueueAndFlushesTheBatchAndTheFile(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("logs.json");
    // A long batch timeout and a huge batch size: only shutdown can flush these records.
    String yaml = """
        receivers:
          synthetic: {count: 5000, rate: 0, batch_size: 100}
        processors:
          batch: {send_batch_size: 100000, timeout: 1h}
        exporters:
          file: {path: "%s", flush_interval: 1h}
        service:
          pipelines:
            logs: {receivers: [synthetic], processors: [batch], exporters: [file]}
        """.formatted(out);
    Tapio tapio = Tapio.builder().pluginsDir(Dist.plugins()).metricsPort(-1)
        .config("drain.yaml", yaml).start();
    ComponentId synthetic = ComponentId.parse("synthetic");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (tapio.graph().acceptedFromReceiver(synthetic) < 5000 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(5000, tapio.graph().acceptedFromReceiver(synthetic));
    assertEquals(0, tapio.graph().processedByPipeline().get(PipelineId.parse("logs")),
        "the batch still holds everything");
    tapio.close();
    assertEquals(5000, new HashSet<>(Dist.seqs(dir)).size());
    assertEquals(5000, Dist.seqs(dir).size());
  }
}
