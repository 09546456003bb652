package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.exporterhelper.Fixtures.Recorder;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SendingQueueTest {

  @Test
  void everyBatchArrivesExactlyOnceWhenTheSenderRecovers() throws Exception {
    Recorder recorder = new Recorder();
    CountDownLatch backendUp = new CountDownLatch(1);
    AtomicInteger failedAttempts = new AtomicInteger();
    // The sender's own retry loop: fails while the backend is down, then delivers.
    Sender<Logs> retrying = data -> {
      while (!backendUp.await(1, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        failedAttempts.incrementAndGet();
      }
      recorder.send(data);
    };
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<>(context, QueueSettings.DEFAULT, retrying);
    queue.start(new TestHost());
    for (int i = 0; i < 500; i++) {
      queue.offer(Fixtures.batch(i));
    }
    Fixtures.await(() -> failedAttempts.get() > 0, "a failed attempt");
    backendUp.countDown();
    Fixtures.await(() -> recorder.total.get() >= 500, "500 batches");
    queue.shutdown(Duration.ofSeconds(30));
    assertEquals(500, recorder.seen.size());
    assertEquals(0, recorder.duplicates());
    assertEquals(java.util.Map.of(), context.droppedByReason());
    assertEquals(1000.0, context.gaugeValue("otelcol_exporter_queue_capacity"));
  }

  @Test
  void overflowIsRefusedNotDroppedWhenNotBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    TestContext context = Fixtures.context();
    var settings = new QueueSettings(true, 2, 1, false, null);
    var queue = new SendingQueue<Logs>(context, settings, data -> {
      release.await();
      recorder.send(data);
    });
    queue.start(new TestHost());
    int accepted = 0;
    ConsumerException refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      try {
        queue.offer(Fixtures.batch(i));
        accepted++;
      } catch (ConsumerException e) {
        refused = e;
      }
    }
    assertTrue(refused != null && refused.retryable(), "a full queue refuses, retryably");
    // Two queued plus at most one taken by the single consumer.
    assertTrue(accepted == 2 || accepted == 3, "accepted " + accepted);
    // The caller keeps a refused batch: counted as a failed enqueue, not as a drop.
    assertEquals(java.util.Map.of(), context.droppedByReason());
    assertEquals(1, context.counterValue("otelcol_exporter_enqueue_failed_log_records"));
    release.countDown();
    queue.shutdown(Duration.ofSeconds(30));
    assertEquals(accepted, recorder.total.get());
  }

  @Test
  void shutdownDrainsTheQueue() throws Exception {
    Recorder recorder = new Recorder();
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<Logs>(context, new QueueSettings(true, 100, 2, false, null),
        data -> {
          Thread.sleep(1);
          recorder.send(data);
        });
    queue.start(new TestHost());
    for (int i = 0; i < 100; i++) {
      queue.offer(Fixtures.batch(i));
    }
    queue.shutdown(Duration.ofSeconds(60));
    assertEquals(100, recorder.seen.size());
    assertEquals(0, context.droppedCount("shutdown"));
    assertThrows(ConsumerException.class, () -> queue.offer(Fixtures.batch(1)));
  }

  @Test
  void whatTheDeadlineLeavesIsCountedAsShutdown() throws Exception {
    TestContext context = Fixtures.context();
    var queue = new SendingQueue<Logs>(context, new QueueSettings(true, 100, 2, false, null),
        Fixtures.down());
    queue.start(new TestHost());
    for (int i = 0; i < 20; i++) {
      queue.offer(dev.tapio.testkit.LogsBuilder.logs("x", 3));
    }
    queue.shutdown(Duration.ofMillis(100));
    // Queued and in flight alike: nothing was delivered, so all 60 records are accounted for.
    assertEquals(60, context.droppedCount("shutdown"));
  }

  @Test
  void disabledQueueSendsOnTheCallerAndRefusesFailures() throws Exception {
    Recorder recorder = new Recorder();
    var off = new QueueSettings(false, 1, 1, false, null);
    var queue = new SendingQueue<>(Fixtures.context(), off, recorder);
    queue.start(new TestHost());
    queue.offer(Fixtures.batch(7));
    assertEquals(1, recorder.seen.get(7).get());
    var failing = new SendingQueue<Logs>(Fixtures.context(), off, data -> {
      throw new java.io.IOException("connection refused");
    });
    assertTrue(assertThrows(ConsumerException.class, () -> failing.offer(Fixtures.batch(1)))
        .retryable());
  }

  @Test
  void aSenderThrowingAnErrorCostsItsBatchNotTheConsumerThread() throws Exception {
    Recorder recorder = new Recorder();
    AtomicInteger calls = new AtomicInteger();
    TestContext context = Fixtures.context();
    // One consumer: if an Error killed it, nothing after the first batch would be sent.
    var queue = new SendingQueue<Logs>(context, new QueueSettings(true, 100, 1, false, null),
        data -> {
          switch (calls.incrementAndGet()) {
            // A plugin built against another API, then a runtime out of memory.
            case 1 -> throw new NoSuchMethodError("dev.tapio.pdata.Logs.removed()");
            case 2 -> throw new OutOfMemoryError("test: one batch too large");
            case 3 -> throw new IllegalStateException("test: gave up");
            default -> recorder.send(data);
          }
        });
    queue.start(new TestHost());
    for (int i = 0; i < 10; i++) {
      queue.offer(dev.tapio.testkit.LogsBuilder.logs("b" + i, 3));
    }
    Fixtures.await(() -> recorder.total.get() >= 7, "7 batches after the failures");
    queue.shutdown(Duration.ofSeconds(30));
    assertEquals(java.util.Set.of(3, 4, 5, 6, 7, 8, 9), recorder.seen.keySet());
    assertEquals(java.util.Map.of("exporter_error", 6L, "export_failed", 3L),
        context.droppedByReason());
  }
}
