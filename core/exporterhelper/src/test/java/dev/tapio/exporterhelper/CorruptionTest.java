package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.exporterhelper.Fixtures.Recorder;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, case 1: a flipped byte in a persistent queue's segment costs only the entry it hit,
 * counted exactly, wherever it is; and nothing when it hits batches already sent.
 */
class CorruptionTest {
  private static final int BATCHES = 100;
  private static final int RECORDS = 50; // per batch: 5,000 records in all
  private static final int SENT_BEFORE_CRASH = 20;
  private static final QueueSettings ONE_CONSUMER =
      new QueueSettings(true, 2000, 1, false, Fixtures.STORAGE);

  @TempDir
  Path root;

  @Test
  void flippedBytesCostOnlyTheEntriesTheyHit() throws Exception {
    // Batches 0..19 are sent (and, one consumer, marked done in order); the backend then goes
    // down on batch 20 and the process crashes with 80 batches on disk.
    CountDownLatch stuck = new CountDownLatch(1);
    var crashed = new SendingQueue<Logs>(Fixtures.context(), ONE_CONSUMER, data -> {
      if (batchNumber(data) >= SENT_BEFORE_CRASH) {
        stuck.countDown();
        new CountDownLatch(1).await();
      }
    });
    crashed.start(Fixtures.host(root));
    for (int i = 0; i < BATCHES; i++) {
      crashed.offer(LogsBuilder.logs("b" + i, RECORDS));
    }
    stuck.await(); // so batch 19 was marked done: the committed index is 20
    crashed.abandon();

    Path segment = onlySegment();
    Map<Long, Long> at = entryOffsets(segment);
    assertEquals(BATCHES, at.size());
    // In batches already sent: the index field of entry 5's header, the payload of entry 12.
    flip(segment, at.get(5L) + 10);
    flip(segment, payloadMiddle(segment, at.get(12L)));
    // In unsent batches: entry 40's length field (a bad length), entry 60's payload, and the
    // payload of the last entry, 99, which is complete (so corrupt, not torn).
    flip(segment, at.get(40L) + 5);
    flip(segment, payloadMiddle(segment, at.get(60L)));
    flip(segment, payloadMiddle(segment, at.get(99L)));

    Recorder recorder = new Recorder();
    AtomicLong records = new AtomicLong();
    TestContext context = Fixtures.context();
    var restarted = new SendingQueue<Logs>(context, ONE_CONSUMER, data -> {
      records.addAndGet(data.itemCount());
      recorder.send(data);
    });
    restarted.start(Fixtures.host(root));
    Set<Integer> expected = new TreeSet<>();
    IntStream.range(SENT_BEFORE_CRASH, BATCHES).forEach(expected::add);
    expected.removeAll(Set.of(40, 60, 99));
    Fixtures.await(() -> recorder.total.get() >= expected.size(), expected.size() + " batches");
    restarted.shutdown(Duration.ofSeconds(30));

    assertEquals(expected, new TreeSet<>(recorder.seen.keySet()));
    assertEquals(0, recorder.duplicates());
    assertEquals(3, context.counterValue("tapio_exporter_queue_corrupt_entries"));
    assertEquals(0, context.counterValue("tapio_exporter_queue_torn_entries"));
    assertEquals(Map.of("corrupt", 3L * RECORDS), context.droppedByReason());
    // Sent before the crash + sent after + dropped as corrupt = every record accepted.
    assertEquals(77L * RECORDS, records.get());
    assertEquals(BATCHES * RECORDS,
        SENT_BEFORE_CRASH * RECORDS + records.get() + context.droppedCount("corrupt"));

    // Everything is marked done now, the lost entries included: nothing to send or count again.
    TestContext third = Fixtures.context();
    Recorder nothing = new Recorder();
    var again = new SendingQueue<>(third, ONE_CONSUMER, nothing);
    again.start(Fixtures.host(root));
    again.shutdown(Duration.ofSeconds(30));
    assertEquals(0, nothing.total.get());
    assertEquals(0, third.counterValue("tapio_exporter_queue_corrupt_entries"));
    assertEquals(Map.of(), third.droppedByReason());
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).toList();
      assertEquals(1, segs.size(), "segments: " + segs);
      return segs.get(0);
    }
  }

  /** Where each entry's header starts in a segment, by entry index (see {@link LogFormat}). */
  static Map<Long, Long> entryOffsets(Path segment) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
    Map<Long, Long> at = new HashMap<>();
    for (int pos = LogFormat.SEGMENT_HEADER; pos < b.limit();
        pos += LogFormat.ENTRY_HEADER + b.getInt(pos + 4)) {
      at.put(b.getLong(pos + 8), (long) pos);
    }
    return at;
  }

  static long payloadMiddle(Path segment, long header) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
    return header + LogFormat.ENTRY_HEADER + b.getInt((int) header + 4) / 2;
  }

  static void flip(Path file, long at) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) at] ^= 0x5A;
    Files.write(file, bytes);
  }

  private static int batchNumber(Logs data) {
    String body = data.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).body()
        .asString();
    return Integer.parseInt(body.substring(1, body.lastIndexOf('-')));
  }
}
