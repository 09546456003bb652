package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented at-least-once gateway — synchronous pipeline, persistent queue — with its
 * storage on a 2 MiB tmpfs and its backend down: once the disk is full the gateway answers 503
 * instead of 200, /readyz says why, and when the backend comes back and frees the disk, every
 * request that got a 200 is delivered. Needs root to mount the tmpfs; skipped, saying so,
 * otherwise.
 */
class DiskFullGatewayTest {

  private static boolean mount(Path dir) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
        dir.toString()).redirectErrorStream(true).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void aFullDiskIsA503NotALossAndServiceResumes(@TempDir Path dir) throws Exception {
    Path storage = dir.resolve("storage");
    Files.createDirectories(storage);
    if (!mount(storage)) {
      System.out.println("SKIPPED disk-full test: needs root to mount a 2 MiB tmpfs");
      Assumptions.abort("cannot mount a tmpfs (not root?)");
    }
    int gatewayPort = Dist.freePort();
    int backendPort = Dist.freePort();
    int metricsPort = Dist.freePort();
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path config = Dist.persistentGateway(dir, storage, gatewayPort, backendPort, metricsPort);
    HttpClient http = HttpClient.newHttpClient();
    TapioProcess gateway = TapioProcess.start(config);
    Tapio backend = null;
    try {
      // 300 requests of 100 records with 100-byte bodies: ~3 MB to store, on a 2 MiB disk.
      Set<Long> acknowledged = new TreeSet<>();
      int refused = 0;
      for (int i = 0; i < 300; i++) {
        int status = OtlpRequests.post(http, gatewayPort, OtlpRequests.logs(i * 100L, 100, 100));
        if (status == 200) {
          for (long s = i * 100L; s < i * 100L + 100; s++) {
            acknowledged.add(s);
          }
        } else {
          assertEquals(503, status, "a full disk is a retryable refusal");
          refused++;
        }
      }
      assertTrue(refused > 0, "the 2 MiB disk took everything?");
      assertTrue(acknowledged.size() >= 100, "nothing was stored");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + metricsPort + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(ready.body().contains("disk full"), ready.body());

      backend = OutageTest.backend(backendPort, out.resolve("backend.json"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!new HashSet<>(Dist.seqs(out)).containsAll(acknowledged)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Set<Long> delivered = new HashSet<>(Dist.seqs(out));
      Set<Long> lost = new TreeSet<>(acknowledged);
      lost.removeAll(delivered);
      assertTrue(lost.isEmpty(), lost.size() + " acknowledged records lost, e.g. "
          + lost.stream().limit(10).toList());
      // With space freed, the gateway takes data again.
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int status = 0;
      while (status != 200 && System.nanoTime() < deadline) {
        status = OtlpRequests.post(http, gatewayPort, OtlpRequests.logs(1_000_000, 10, 10));
        Thread.sleep(50);
      }
      assertEquals(200, status, "service resumed");
      System.out.println("disk-full gateway: " + acknowledged.size() / 100 + " requests stored, "
          + refused + " refused with 503, all acknowledged delivered");
    } finally {
      gateway.destroy();
      if (backend != null) {
        backend.close();
      }
      new ProcessBuilder("umount", "-l", storage.toString()).start().waitFor(30,
          TimeUnit.SECONDS);
    }
  }
}
