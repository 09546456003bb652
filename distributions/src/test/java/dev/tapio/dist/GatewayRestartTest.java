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
 * Each round kills at a random moment (between 10% and 80% of the stream at the backend), with
 * the backend down around the kill in most rounds, so the gateway dies holding acknowledged
 * batches on disk. One round by default; {@code -Dtapio.restartRounds=20} runs twenty, as the
 * loaded soak does (see the closing note of issue 9 and benchmarks/README.md).
 */
class GatewayRestartTest {
  private static final int ROUNDS = Integer.getInteger("tapio.restartRounds", 1);

  @Test
  void aGatewayKilledMidStreamLosesNothingWithAPersistentQueue(@TempDir Path dir)
      throws Exception {
    long seed = Long.getLong("tapio.restartSeed", System.nanoTime());
    java.util.Random random = new java.util.Random(seed);
    for (int round = 1; round <= ROUNDS; round++) {
      Path roundDir = dir.resolve("round-" + round);
      Files.createDirectories(roundDir);
      double killAt = 0.1 + 0.7 * random.nextDouble();
      boolean backendDown = random.nextInt(4) != 0;
      System.out.println("gateway restart round " + round + "/" + ROUNDS + " (seed " + seed
          + "): kill at " + Math.round(killAt * 100) + "% of the stream, backend "
          + (backendDown ? "down" : "up") + " around the kill");
      oneRound(roundDir, killAt, backendDown);
    }
  }

  private void oneRound(Path dir, double killAt, boolean backendDown) throws Exception {
    int n = 40_000;
    int gatewayPort = Dist.freePort();
    int backendPort = Dist.freePort();
    int metricsPort = Dist.freePort();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path storage = dir.resolve("storage");
    Files.createDirectories(storage);
    Path config = Dist.persistentGateway(dir, storage, gatewayPort, backendPort, metricsPort);

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
      while (Dist.seqs(out).size() < n * killAt && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (backendDown) {
        // The backend goes away for a moment first, so that the gateway's disk queue surely
        // holds acknowledged batches when it is killed: only the disk can deliver those.
        backend.close();
        Thread.sleep(1_500);
      }
      atKill = Dist.seqs(out).size();
      assertTrue(atKill > 0 && atKill < n, "not mid-stream at the kill: " + atKill);
      gateway.kill9();
      if (backendDown) {
        backend = OutageTest.backend(backendPort, out.resolve("backend-after.json"));
      }
      gateway = TapioProcess.start(config);
      if (backendDown) {
        assertTrue(gateway.output().toString().contains("resending"),
            "nothing was left on disk to resend:\n" + gateway.output());
      }
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
            .orElse("nothing left on disk"));
    for (long i = 0; i < n; i++) {
      long seq = i;
      TapioProcess last = gateway;
      assertTrue(unique.contains(i), () -> "missing seq " + seq + "; gateway output:\n"
          + last.output());
    }
    assertEquals(n, unique.size(), "every record arrives, and only those");
  }
}
