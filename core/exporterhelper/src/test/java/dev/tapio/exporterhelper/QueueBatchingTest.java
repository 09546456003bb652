package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sending_queue.sizer}, {@code sending_queue.batch} and {@code wait_for_result}. */
class QueueBatchingTest {

  /** Records every batch sent: its record bodies in order. Thread-safe. */
  static final class Bodies implements Sender<Logs> {
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void send(Logs data) {
      List<String> bodies = new ArrayList<>();
      data.resourceLogs().forEach(rl -> rl.scopeLogs().forEach(sl -> {
        for (int i = 0; i < sl.logRecords().size(); i++) {
          bodies.add(sl.logRecords().get(i).body().asString());
        }
      }));
      batches.add(bodies);
    }

    int records() {
      synchronized (batches) {
        return batches.stream().mapToInt(List::size).sum();
      }
    }

    List<String> all() {
      synchronized (batches) {
        return batches.stream().flatMap(List::stream).toList();
      }
    }
  }

  private static QueueSettings settings(QueueSizer sizer, int queueSize, boolean wait,
      BatchSettings batch) {
    return new QueueSettings(true, queueSize, 1, false, null, sizer, wait, batch);
  }

  private static List<String> expected(int batches, int records) {
    List<String> all = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      for (int i = 0; i < records; i++) {
        all.add("b" + b + "-" + i);
      }
    }
    return all;
  }

  @Test
  void theItemsSizerCountsRecordsAndRefusesABatchLargerThanTheQueue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Bodies sent = new Bodies();
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<Logs>(context, settings(QueueSizer.ITEMS, 10, false, null),
        data -> {
          release.await();
          sent.send(data);
        });
    queue.start(new TestHost());
    // The single consumer takes the first batch and blocks; 3 more of 3 records fill 9 of 10.
    queue.offer(LogsBuilder.logs("b0", 3));
    Fixtures.await(() -> queue.size() == 0, "the consumer to take the first batch");
    for (int b = 1; b <= 3; b++) {
      queue.offer(LogsBuilder.logs("b" + b, 3));
    }
    assertEquals(9.0, context.gaugeValue("otelcol_exporter_queue_size"));
    assertEquals(10.0, context.gaugeValue("otelcol_exporter_queue_capacity"));
    ConsumerException full = assertThrows(ConsumerException.class,
        () -> queue.offer(LogsBuilder.logs("b4", 2)));
    assertTrue(full.retryable(), "full: try again later");
    queue.offer(LogsBuilder.logs("b5", 1)); // exactly the last unit fits
    ConsumerException tooLarge = assertThrows(ConsumerException.class,
        () -> queue.offer(LogsBuilder.logs("b6", 11)));
    assertFalse(tooLarge.retryable(), "larger than the whole queue: never fits");
    assertTrue(tooLarge.getMessage().contains("queue_size 10"), tooLarge.getMessage());
    assertEquals(13, context.counterValue("otelcol_exporter_enqueue_failed_log_records"));
    release.countDown();
    queue.shutdown(Duration.ofSeconds(30));
    assertEquals(3 + 9 + 1, sent.records());
    assertEquals(Map.of(), context.droppedByReason());
  }

  @Test
  void theBytesSizerCountsTheEncodedRequest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<Logs>(context,
        settings(QueueSizer.BYTES, 1 << 20, false, null), data -> release.await());
    queue.start(new TestHost());
    queue.offer(LogsBuilder.logs("first", 1));
    Fixtures.await(() -> queue.size() == 0, "the consumer to take the first batch");
    Logs a = LogsBuilder.logs("a", 5);
    Logs b = LogsBuilder.logs("b", 50);
    int bytes = new OtlpEncoder().size(a) + new OtlpEncoder().size(b);
    queue.offer(a);
    queue.offer(b);
    assertEquals(bytes, context.gaugeValue("otelcol_exporter_queue_size"));
    assertEquals(bytes, new OtlpEncoder().encode(LogsBuilder.logs("a", 5))
        + new OtlpEncoder().encode(LogsBuilder.logs("b", 50)), "size() is encode()'s length");
    release.countDown();
    queue.shutdown(Duration.ofSeconds(30));
  }

  @Test
  void batchesMergeUpToMinSizeInOrder() throws Exception {
    Bodies sent = new Bodies();
    // A flush timeout far beyond the test: only min_size can send the batch.
    var batch = new BatchSettings(Duration.ofMinutes(5), 100, 0, QueueSizer.ITEMS);
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<>(context, settings(QueueSizer.REQUESTS, 100, false, batch),
        sent);
    queue.start(new TestHost());
    for (int b = 0; b < 10; b++) {
      queue.offer(LogsBuilder.logs("b" + b, 10));
    }
    Fixtures.await(() -> sent.records() >= 100, "100 records");
    assertEquals(1, sent.batches.size(), "ten offers, one request");
    assertEquals(expected(10, 10), sent.all());
    assertEquals(100, context.counterValue("otelcol_exporter_sent_log_records"));
    queue.shutdown(Duration.ofSeconds(30));
  }

  @Test
  void flushTimeoutSendsWhatIsThereWhenMinSizeIsNotReached() throws Exception {
    Bodies sent = new Bodies();
    var batch = new BatchSettings(Duration.ofMillis(100), 1000, 0, QueueSizer.ITEMS);
    var queue = new SendingQueue<>(Fixtures.context(),
        settings(QueueSizer.REQUESTS, 100, false, batch), sent);
    queue.start(new TestHost());
    long start = System.nanoTime();
    for (int b = 0; b < 3; b++) {
      queue.offer(LogsBuilder.logs("b" + b, 10));
    }
    Fixtures.await(() -> sent.records() >= 30, "30 records");
    assertTrue(System.nanoTime() - start >= 100_000_000L, "sent before the flush timeout");
    assertEquals(List.of(expected(3, 10)), sent.batches);
    queue.shutdown(Duration.ofSeconds(30));
  }

  @Test
  void maxSizeSplitsInOrder() throws Exception {
    Bodies sent = new Bodies();
    var batch = new BatchSettings(Duration.ofMinutes(5), 100, 30, QueueSizer.ITEMS);
    var queue = new SendingQueue<>(Fixtures.context(),
        settings(QueueSizer.ITEMS, 1000, false, batch), sent);
    queue.start(new TestHost());
    for (int b = 0; b < 5; b++) {
      queue.offer(LogsBuilder.logs("b" + b, 20));
    }
    Fixtures.await(() -> sent.records() >= 100, "100 records");
    queue.shutdown(Duration.ofSeconds(30));
    assertEquals(List.of(30, 30, 30, 10), sent.batches.stream().map(List::size).toList());
    assertEquals(expected(5, 20), sent.all());
  }

  @Test
  void maxSizeInBytesKeepsEveryRequestWithinTheLimit() throws Exception {
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    Bodies sent = new Bodies();
    OtlpEncoder measure = new OtlpEncoder();
    int limit = 2000;
    var batch = new BatchSettings(Duration.ofMillis(100), 8000, limit, QueueSizer.BYTES);
    var queue = new SendingQueue<Logs>(Fixtures.context(),
        settings(QueueSizer.REQUESTS, 1000, false, batch), data -> {
          sizes.add(measure.size(data));
          sent.send(data);
        });
    queue.start(new TestHost());
    int offered = 200;
    for (int b = 0; b < offered; b++) {
      queue.offer(LogsBuilder.logs("b" + b, 25));
    }
    Fixtures.await(() -> sent.records() >= offered * 25, "every record");
    queue.shutdown(Duration.ofSeconds(30));
    assertTrue(sizes.size() > 1, "split into several requests: " + sizes);
    for (int size : sizes) {
      assertTrue(size <= limit, "request of " + size + " bytes over " + limit + ": " + sizes);
    }
    assertEquals(expected(offered, 25), sent.all());
  }

  @Test
  void waitForResultReturnsAfterTheSendAndHandsAFailureBackIntact() throws Exception {
    Bodies sent = new Bodies();
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<>(context, settings(QueueSizer.REQUESTS, 10, true, null), sent);
    queue.start(new TestHost());
    queue.offer(LogsBuilder.logs("b0", 4));
    assertEquals(4, sent.records(), "offer returned only once the batch was sent");
    queue.shutdown(Duration.ofSeconds(30));

    TestContext failing = Fixtures.context();
    var batch = new BatchSettings(Duration.ofMillis(20), 100, 3, QueueSizer.ITEMS);
    var broken = new SendingQueue<Logs>(failing, settings(QueueSizer.ITEMS, 100, true, batch),
        data -> {
          throw new java.io.IOException("backend gone");
        });
    broken.start(new TestHost());
    Logs data = LogsBuilder.logs("w", 7);
    ConsumerException e = assertThrows(ConsumerException.class, () -> broken.offer(data));
    assertFalse(e.retryable(), "the sender gave up");
    assertTrue(e.getMessage().contains("backend gone"), e.getMessage());
    // The caller still holds its batch (the queue merged and split a copy) and counts it.
    assertEquals(7, data.itemCount());
    LogRecord first = data.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertEquals("w-0", first.body().asString());
    assertEquals(Map.of(), failing.droppedByReason());
    broken.shutdown(Duration.ofSeconds(30));
  }

  @Test
  void persistentBatchesAreMergedAndAllMarkedDone(@TempDir Path root) throws Exception {
    var batch = new BatchSettings(Duration.ofMillis(50), 40, 0, QueueSizer.ITEMS);
    var persistent = new QueueSettings(true, 100, 1, false, Fixtures.STORAGE, QueueSizer.ITEMS,
        false, batch);
    var crashed = new SendingQueue<Logs>(Fixtures.context(), persistent, Fixtures.down());
    crashed.start(Fixtures.host(root));
    for (int b = 0; b < 8; b++) {
      crashed.offer(LogsBuilder.logs("b" + b, 10));
    }
    crashed.abandon();

    Bodies sent = new Bodies();
    var restarted = new SendingQueue<>(Fixtures.context(), persistent, sent);
    restarted.start(Fixtures.host(root));
    Fixtures.await(() -> sent.records() >= 80, "80 records");
    restarted.shutdown(Duration.ofSeconds(30));
    // The crashed queue's consumer held its first batch in the failing send; 8 are on disk.
    assertEquals(expected(8, 10), sent.all());
    assertTrue(sent.batches.size() <= 4, "merged: " + sent.batches.size() + " requests");

    Bodies third = new Bodies();
    var again = new SendingQueue<>(Fixtures.context(), persistent, third);
    again.start(Fixtures.host(root));
    again.shutdown(Duration.ofSeconds(30));
    assertEquals(0, third.records(), "every merged entry was marked done");
  }

  @Test
  void metricsSplitByDataPointsWithoutSplittingAMetric() {
    var m = new dev.tapio.pdata.Metrics();
    var scope = m.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty();
    for (int i = 0; i < 4; i++) {
      var metric = scope.metrics().appendEmpty().setName("m" + i);
      var points = metric.setGauge();
      for (int p = 0; p < 3; p++) {
        points.appendEmpty().setLongValue(p);
      }
    }
    var piece = new dev.tapio.pdata.Metrics();
    assertEquals(6, m.moveItemsUpTo(7, piece), "two whole metrics fit in 7 points");
    assertEquals(6, piece.dataPointCount());
    assertEquals(6, m.dataPointCount());
    var one = new dev.tapio.pdata.Metrics();
    assertEquals(3, m.moveItemsUpTo(1, one), "a metric larger than the limit moves alone");
    assertNotNull(one.resourceMetrics().get(0));
  }
}
