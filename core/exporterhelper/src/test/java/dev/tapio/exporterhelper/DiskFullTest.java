package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentStatus;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.exporterhelper.Fixtures.Recorder;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, case 2: on a real full file system (a 2 MiB tmpfs), a persistent queue refuses batches
 * (retryable, nothing dropped), reports DEGRADED, and takes batches again, reporting OK, once the
 * batches it holds are sent and their segment deleted. Needs root to mount; skipped otherwise.
 */
class DiskFullTest {
  private static final int RECORDS = 20; // per batch, about 1.2 KB encoded

  @TempDir
  Path tmp;

  @Test
  void aFullDiskRefusesBatchesUntilSentOnesFreeTheirSpace() throws Exception {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    Assumptions.assumeTrue(Integer.valueOf(0).equals(uid),
        "skipped: mounting a tmpfs needs root, and this test runs as uid " + uid);
    Path small = Files.createDirectories(tmp.resolve("small"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
        small.toString()).redirectErrorStream(true).start();
    String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
        "skipped: cannot mount a tmpfs on " + small + ": " + out.strip());
    List<SendingQueue<?>> started = new ArrayList<>();
    try {
      fillRefuseAndRecover(small, started);
    } finally {
      for (SendingQueue<?> q : started) {
        q.abandon(); // closes its files, even after a failed assertion, so the unmount works
      }
      unmount(small);
    }
  }

  private static void unmount(Path dir) throws IOException, InterruptedException {
    Process umount = new ProcessBuilder("umount", dir.toString()).inheritIO().start();
    if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
      // Something still holds a file there: detach it now, freed when that lets go.
      new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void fillRefuseAndRecover(Path small, List<SendingQueue<?>> started) throws Exception {
    CountDownLatch backendUp = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    AtomicLong records = new AtomicLong();
    // The sender's own retries while the backend is down: the consumers hold their batch.
    TestContext context = Fixtures.context();
    var settings = new QueueSettings(true, 10_000, 2, false, Fixtures.STORAGE);
    var persistent = new SendingQueue<Logs>(context, settings, data -> {
      backendUp.await();
      records.addAndGet(data.itemCount());
      recorder.send(data);
    });
    started.add(persistent);
    persistent.start(Fixtures.host(small));
    context.reportStatus(ComponentStatus.OK, "sending"); // what the exporter's start reports

    List<Integer> accepted = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    int next = 0;
    while (refused.isEmpty() && next < 10_000) {
      int n = next++;
      try {
        persistent.offer(LogsBuilder.logs("b" + n, RECORDS));
        accepted.add(n);
      } catch (ConsumerException e) {
        assertTrue(e.retryable(), "a full disk refuses retryably: " + e);
        refused.add(n);
      }
    }
    assertEquals(1, refused.size(), "the disk filled up");
    assertTrue(accepted.size() > 500, "accepted " + accepted.size() + " batches first");
    // Later offers are refused too; each refused batch stays the caller's, to offer again.
    for (int i = 0; i < 50; i++) {
      int n = next++;
      ConsumerException e = assertThrowsConsumer(persistent, n);
      assertTrue(e.retryable(), e.toString());
      refused.add(n);
    }
    assertEquals(Map.of(), context.droppedByReason(), "a refusal is not a drop");
    assertEquals(0, context.counterValue("otelcol_exporter_enqueue_failed_log_records"),
        "the queue was not full, the disk was");
    assertEquals(ComponentStatus.DEGRADED, context.status());
    String reason = context.statusReason();
    assertTrue(reason.contains(small.toString()) && reason.contains("disk full")
        && reason.contains("no space"), reason);

    // The backend comes back: the batches on disk are sent, their segment deleted, and the
    // refused batches, offered again as a caller retrying would, are taken.
    backendUp.countDown();
    int firstRefused = refused.get(0);
    Fixtures.await(() -> offered(persistent, firstRefused), "the disk to take batches again");
    assertEquals(ComponentStatus.OK, context.status(), context.statusReason());
    accepted.add(firstRefused);
    for (int n : refused.subList(1, refused.size())) {
      persistent.offer(LogsBuilder.logs("b" + n, RECORDS));
      accepted.add(n);
    }
    Fixtures.await(() -> recorder.total.get() >= accepted.size(), accepted.size() + " batches");
    persistent.shutdown(Duration.ofSeconds(30));

    assertEquals(accepted.size(), recorder.seen.size());
    for (int n : accepted) {
      assertEquals(1, recorder.seen.get(n).get(), "batch " + n + " sent once");
    }
    assertEquals(accepted.size(), recorder.total.get());
    assertEquals((long) accepted.size() * RECORDS, records.get());
    assertEquals(Map.of(), context.droppedByReason());
    System.out.println("disk full test: " + (accepted.size() - refused.size())
        + " batches filled 2 MiB; " + refused.size() + " refused, then taken and sent");
  }

  private static ConsumerException assertThrowsConsumer(SendingQueue<Logs> queue, int n) {
    try {
      queue.offer(LogsBuilder.logs("b" + n, RECORDS));
    } catch (ConsumerException e) {
      return e;
    }
    throw new AssertionError("batch " + n + " was taken on a full disk");
  }

  /** Offers batch {@code n}; false when refused (retryably, or the test fails). */
  private static boolean offered(SendingQueue<Logs> queue, int n) {
    try {
      queue.offer(LogsBuilder.logs("b" + n, RECORDS));
      return true;
    } catch (ConsumerException e) {
      assertTrue(e.retryable(), e.toString());
      return false;
    }
  }
}
