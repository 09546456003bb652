package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.exporterhelper.Fixtures.Recorder;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.TestContext;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentQueueTest {
  static final QueueSettings PERSISTENT = new QueueSettings(true, 2000, 4, false, Fixtures.STORAGE);

  @TempDir
  Path root;

  @Test
  void batchesAcceptedBeforeACrashAreAllDeliveredAfterRestart() throws Exception {
    var crashed = new SendingQueue<Logs>(Fixtures.context(), PERSISTENT, Fixtures.down());
    crashed.start(Fixtures.host(root));
    for (int i = 0; i < 1000; i++) {
      crashed.offer(Fixtures.batch(i));
    }
    crashed.abandon();

    Recorder recorder = new Recorder();
    TestContext context = Fixtures.context();
    var restarted = new SendingQueue<>(context, PERSISTENT, recorder);
    restarted.start(Fixtures.host(root));
    Fixtures.await(() -> recorder.seen.size() >= 1000, "1000 batches");
    restarted.shutdown(Duration.ofSeconds(30));
    assertEquals(1000, recorder.seen.size());
    assertEquals(0, recorder.duplicates());
    assertEquals(0, context.counterValue("tapio_exporter_queue_corrupt_entries"));

    // Everything was marked sent: a third start has nothing to resend.
    Recorder third = new Recorder();
    var again = new SendingQueue<>(Fixtures.context(), PERSISTENT, third);
    again.start(Fixtures.host(root));
    again.shutdown(Duration.ofSeconds(30));
    assertEquals(0, third.total.get());
  }

  @Test
  void aTornLastEntryIsCountedAsTornNotLostAndTheRestDelivered() throws Exception {
    var crashed = new SendingQueue<Logs>(Fixtures.context(), PERSISTENT, Fixtures.down());
    crashed.start(Fixtures.host(root));
    for (int i = 0; i < 10; i++) {
      crashed.offer(Fixtures.batch(i));
    }
    crashed.abandon();
    Path segment;
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).toList();
      assertEquals(1, segs.size());
      segment = segs.get(0);
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5); // the last write cut short by the crash
    }

    Recorder recorder = new Recorder();
    TestContext context = Fixtures.context();
    var restarted = new SendingQueue<>(context, PERSISTENT, recorder);
    restarted.start(Fixtures.host(root));
    Fixtures.await(() -> recorder.seen.size() >= 9, "9 batches");
    restarted.shutdown(Duration.ofSeconds(30));
    assertEquals(9, recorder.seen.size());
    assertEquals(null, recorder.seen.get(9), "the torn entry is not delivered");
    assertEquals(0, recorder.duplicates());
    // The torn append never returned, so it was never acknowledged: torn, not a loss.
    assertEquals(1, context.counterValue("tapio_exporter_queue_torn_entries"));
    assertEquals(0, context.counterValue("tapio_exporter_queue_corrupt_entries"));
    assertEquals(java.util.Map.of(), context.droppedByReason());
  }

  @Test
  void shutdownLeavesUnsentBatchesOnDiskNotDropped() throws Exception {
    TestContext context = Fixtures.context();
    var first = new SendingQueue<Logs>(context, PERSISTENT, Fixtures.down());
    first.start(Fixtures.host(root));
    for (int i = 0; i < 50; i++) {
      first.offer(Fixtures.batch(i));
    }
    first.shutdown(Duration.ofMillis(100));
    assertEquals(0, context.droppedCount("shutdown"));

    Recorder recorder = new Recorder();
    var second = new SendingQueue<>(Fixtures.context(), PERSISTENT, recorder);
    second.start(Fixtures.host(root));
    Fixtures.await(() -> recorder.seen.size() >= 50, "50 batches");
    second.shutdown(Duration.ofSeconds(30));
    assertEquals(50, recorder.seen.size());
  }
}
