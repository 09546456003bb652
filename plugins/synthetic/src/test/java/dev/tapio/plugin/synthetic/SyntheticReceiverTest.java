package dev.tapio.plugin.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Severity;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyntheticReceiverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestContext context = new TestContext("synthetic/t", Kind.RECEIVER, Signal.LOGS);
  private final ConsumerSink sink = new ConsumerSink();

  private static SyntheticConfig config(double rate, long count, int batchSize) {
    return new SyntheticConfig(rate, count, batchSize, 64, 4, "synthetic.record", Severity.INFO,
        Map.of("service.name", "tapio-synthetic"));
  }

  private SyntheticReceiver startReceiver(SyntheticConfig config, LogsConsumer next)
      throws Exception {
    SyntheticReceiver receiver = new SyntheticReceiver(context, config, next);
    receiver.start(new TestHost());
    return receiver;
  }

  /** Asserts that the records carry sequence numbers 0..n-1, each exactly once. */
  private static void assertExactlyOnce(List<LogRecord> records, int n) {
    BitSet seen = new BitSet(n);
    for (LogRecord r : records) {
      long seq = r.attributes().getLong("synthetic.seq", -1);
      assertTrue(seq >= 0 && seq < n, "seq out of range: " + seq);
      assertFalse(seen.get((int) seq), "seq delivered twice: " + seq);
      seen.set((int) seq);
    }
    assertEquals(n, seen.cardinality());
    assertEquals(n, records.size());
  }

  @Test
  void countedRunDeliversEverySequenceNumberOnceAndStopsByItself() throws Exception {
    SyntheticReceiver receiver = startReceiver(config(0, 1000, 64), sink);
    receiver.thread().join(WAIT.toMillis());

    assertFalse(receiver.thread().isAlive(), "generator should stop after count records");
    assertTrue(receiver.done());
    assertExactlyOnce(sink.logRecords(), 1000);
    assertEquals(16, sink.logs().size(), "15 full batches of 64 and one of 40");
    for (Logs logs : sink.logs()) {
      assertTrue(logs.logRecordCount() <= 64);
    }
    assertEquals(1000, context.counterValue("tapio_synthetic_generated"));
    assertEquals(ComponentStatus.OK, context.status());
    assertTrue(context.droppedByReason().isEmpty());
    receiver.shutdown();
  }

  @Test
  void recordsCarryTheConfiguredShape() throws Exception {
    var config = new SyntheticConfig(0, 3, 10, 100, 2, "demo.event", Severity.WARN,
        Map.of("service.name", "demo", "host.name", "h1"));
    SyntheticReceiver receiver = startReceiver(config, sink);
    receiver.thread().join(WAIT.toMillis());

    Logs logs = sink.logs().getFirst();
    var resource = logs.resourceLogs().get(0).resource().attributes();
    assertEquals("demo", resource.getString("service.name"));
    assertEquals("h1", resource.getString("host.name"));
    LogRecord r = sink.logRecords().get(2);
    assertEquals("demo.event", r.eventName());
    assertEquals(Severity.WARN, r.severity());
    assertEquals(100, r.bodyString().length());
    assertEquals(3, r.attributes().size(), "attr.0, attr.1 and synthetic.seq");
    assertEquals("value-1", r.attributes().getString("attr.1"));
    assertEquals(2, r.attributes().getLong("synthetic.seq", -1));
    assertTrue(r.timeUnixNano() > 0);
    receiver.shutdown();
  }

  @Test
  void rateLimitedRunCompletesWithExactCount() throws Exception {
    // 2000/s in batches of 10: 50 records take ~20 ms; only the outcome is asserted.
    SyntheticReceiver receiver = startReceiver(config(2000, 50, 10), sink);
    receiver.thread().join(WAIT.toMillis());
    assertTrue(receiver.done());
    assertExactlyOnce(sink.logRecords(), 50);
    receiver.shutdown();
  }

  @Test
  void retryableRefusalsAreRetriedWithoutLoss() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LogsConsumer flaky = logs -> {
      // Refuse every other offer, so each batch is retried once.
      if (calls.incrementAndGet() % 2 == 1) {
        throw ConsumerException.retryable("queue full");
      }
      sink.consumeLogs(logs);
    };
    SyntheticReceiver receiver = startReceiver(config(0, 500, 50), flaky);
    receiver.thread().join(WAIT.toMillis());

    assertTrue(receiver.done());
    assertExactlyOnce(sink.logRecords(), 500);
    assertEquals(20, calls.get(), "10 batches, each offered twice");
    assertTrue(context.droppedByReason().isEmpty());
    receiver.shutdown();
  }

  @Test
  void permanentRefusalIsCountedAndGenerationContinues() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LogsConsumer refusesSecond = logs -> {
      if (calls.incrementAndGet() == 2) {
        throw ConsumerException.permanent("bad data");
      }
      sink.consumeLogs(logs);
    };
    SyntheticReceiver receiver = startReceiver(config(0, 100, 25), refusesSecond);
    receiver.thread().join(WAIT.toMillis());

    assertTrue(receiver.done());
    assertEquals(75, sink.logRecords().size());
    assertEquals(25, context.droppedCount("refused"));
    assertEquals(100, context.counterValue("tapio_synthetic_generated"));
    receiver.shutdown();
  }

  @Test
  void batchStillRefusedAtShutdownIsCountedAsDropped() throws Exception {
    sink.failWith(ConsumerException.retryable("backend down"));
    SyntheticReceiver receiver = startReceiver(config(0, 0, 40), sink);
    // Wait until the first batch exists and is being retried.
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (context.counterValue("tapio_synthetic_generated") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    receiver.shutdown();

    assertFalse(receiver.thread().isAlive());
    assertFalse(receiver.done());
    assertEquals(40, context.counterValue("tapio_synthetic_generated"));
    assertEquals(40, context.droppedCount("shutdown"));
    assertEquals(0, sink.itemCount());
  }

  @Test
  void unlimitedRunStopsOnShutdown() throws Exception {
    SyntheticReceiver receiver = startReceiver(config(0, 0, 100), sink);
    sink.awaitItems(1000, WAIT);
    receiver.shutdown();

    assertFalse(receiver.thread().isAlive());
    assertEquals("tapio-synthetic-synthetic/t", receiver.thread().getName());
    long generated = context.counterValue("tapio_synthetic_generated");
    assertEquals(generated, sink.itemCount(), "everything generated was delivered");
    assertExactlyOnce(sink.logRecords(), (int) generated);
  }

  @Test
  void shutdownWithoutStartIsSafe() throws Exception {
    new SyntheticReceiver(context, config(0, 1, 1), sink).shutdown();
    assertEquals(0, sink.itemCount());
  }
}
