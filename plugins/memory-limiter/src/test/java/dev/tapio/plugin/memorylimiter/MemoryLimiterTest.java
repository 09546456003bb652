package dev.tapio.plugin.memorylimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {
  private static final long MIB = 1 << 20;

  private final TestContext context = new TestContext("memory_limiter", Kind.PROCESSOR,
      Signal.LOGS);
  private final ConsumerSink sink = new ConsumerSink();
  private final AtomicLong used = new AtomicLong();
  private final AtomicInteger gcs = new AtomicInteger();
  private final AtomicLong clock = new AtomicLong();

  private static MemoryLimiterConfig mib(long limit, long spike) {
    return new MemoryLimiterConfig(Duration.ofSeconds(1), limit, spike, 0, 0, null, null);
  }

  private MemoryLimiter limiter(MemoryLimiterConfig config, long maxBytes) {
    return new MemoryLimiter(context, config, used::get, maxBytes, gcs::incrementAndGet,
        clock::get);
  }

  private long refused() {
    return context.counterValue(MemoryLimiter.REFUSED_COUNTER, "signal", "logs");
  }

  @Test
  void aLimitAboveTheHeapIsClampedBelowItSoRefusalsComeBeforeOutOfMemory() {
    // The Collector's usual limit_mib: 1500 MiB, with a 256 MiB heap (the launcher's default).
    MemoryLimiter limiter = limiter(mib(1500, 300), 256 * MIB);
    assertEquals(256 * MIB / 10 * 9, limiter.hardLimitBytes());
    assertEquals(limiter.hardLimitBytes() - limiter.hardLimitBytes() / 2,
        limiter.softLimitBytes(), "the spike margin is kept up to half the clamped limit");
    LogsProcessor p = MemoryLimiterFactory.logs(limiter, sink);
    used.set(200 * MIB); // above the clamped soft limit, far below the configured 1,200 MiB
    limiter.check();
    assertThrows(ConsumerException.class, () -> p.consumeLogs(LogsBuilder.logs("x", 2)));
    assertThrows(ConsumerException.class,
        () -> ((dev.tapio.consumer.Admission) p).admit(LogsBuilder.logs("y", 2)),
        "the engine asks the same limiter on the receiver's thread");
    assertEquals(4, refused());
  }

  @Test
  void refusesAboveSoftLimitAndAcceptsAgainBelowIt() {
    MemoryLimiter limiter = limiter(mib(100, 20), 1024 * MIB);
    LogsProcessor p = MemoryLimiterFactory.logs(limiter, sink);

    used.set(79 * MIB);
    limiter.check();
    p.consumeLogs(LogsBuilder.logs("a", 3));
    assertEquals(3, sink.itemCount());

    used.set(81 * MIB);
    limiter.check();
    ConsumerException e = assertThrows(ConsumerException.class,
        () -> p.consumeLogs(LogsBuilder.logs("b", 5)));
    assertTrue(e.retryable());
    assertTrue(e.getMessage().startsWith("memory usage above soft limit"), e.getMessage());
    assertEquals(3, sink.itemCount(), "refused data is not passed on");
    assertEquals(5, refused());
    assertEquals(Map.of(), context.droppedByReason(), "a refusal is not a drop");
    assertEquals(ComponentStatus.DEGRADED, context.status());

    used.set(60 * MIB);
    limiter.check();
    p.consumeLogs(LogsBuilder.logs("c", 2));
    assertEquals(5, sink.itemCount());
    assertEquals(5, refused());
    assertEquals(ComponentStatus.OK, context.status());
  }

  @Test
  void spikeLimitDefaultsToAFifthOfTheLimit() {
    MemoryLimiter limiter = limiter(mib(100, 0), 1024 * MIB);
    assertEquals(100 * MIB, limiter.hardLimitBytes());
    assertEquals(80 * MIB, limiter.softLimitBytes());
  }

  @Test
  void percentagesReferToTheMaximumHeap() {
    MemoryLimiterConfig config = new MemoryLimiterConfig(Duration.ofSeconds(1), 0, 0, 80, 25,
        null, null);
    MemoryLimiter limiter = limiter(config, 1000 * MIB);
    assertEquals(800 * MIB, limiter.hardLimitBytes());
    assertEquals(550 * MIB, limiter.softLimitBytes());
  }

  @Test
  void forcesAGcOnEveryCheckAboveTheHardLimitAndMeasuresAgain() {
    MemoryLimiter limiter = new MemoryLimiter(context, mib(100, 20), used::get, 1024 * MIB,
        () -> {
          gcs.incrementAndGet();
          used.set(50 * MIB);
        }, clock::get);
    LogsProcessor p = MemoryLimiterFactory.logs(limiter, sink);

    used.set(150 * MIB);
    limiter.check();
    assertEquals(1, gcs.get());
    p.consumeLogs(LogsBuilder.logs("a", 1));
    assertEquals(1, sink.itemCount(), "usage after the GC is below the soft limit");

    used.set(150 * MIB);
    limiter.check();
    assertEquals(2, gcs.get(), "min_gc_interval_when_hard_limited defaults to every check");
  }

  @Test
  void forcesAGcAboveTheSoftLimitAtMostOncePerInterval() {
    MemoryLimiter limiter = limiter(mib(100, 20), 1024 * MIB);
    used.set(90 * MIB);

    limiter.check();
    limiter.check();
    assertEquals(1, gcs.get());

    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    limiter.check();
    assertEquals(2, gcs.get());
    assertThrows(ConsumerException.class,
        () -> MemoryLimiterFactory.logs(limiter, sink).consumeLogs(
            LogsBuilder.logs("a", 1)));
  }

  @Test
  void countsRefusedSpansForTraces() {
    TestContext traces = new TestContext("memory_limiter", Kind.PROCESSOR, Signal.TRACES);
    MemoryLimiter limiter = new MemoryLimiter(traces, mib(100, 20), used::get, 1024 * MIB,
        gcs::incrementAndGet, clock::get);
    TracesProcessor p = MemoryLimiterFactory.traces(limiter, sink);
    used.set(95 * MIB);
    limiter.check();

    Traces t = new Traces();
    ScopeSpans ss = t.resourceSpans().appendEmpty().scopeSpans().appendEmpty();
    for (int i = 0; i < 7; i++) {
      ss.spans().appendEmpty().setName("s" + i);
    }
    assertThrows(ConsumerException.class, () -> p.consumeTraces(t));
    assertEquals(7, traces.counterValue(MemoryLimiter.REFUSED_COUNTER, "signal", "traces"));
  }

  @Test
  void realHeapBelowAGenerousLimitPassesDataThrough() throws Exception {
    LogsProcessor p = new MemoryLimiterFactory().createLogs(context,
        new MemoryLimiterConfig(Duration.ofMillis(10), 1_000_000, 0, 0, 0, null, null), sink);
    p.start(new TestHost());
    try {
      p.consumeLogs(LogsBuilder.logs("a", 4));
    } finally {
      p.shutdown();
    }
    assertEquals(4, sink.itemCount());
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("tapio-memory-limiter-")),
        "shutdown stops the check thread");
  }
}
