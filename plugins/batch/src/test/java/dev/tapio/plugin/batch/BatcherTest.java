package dev.tapio.plugin.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatcherTest {
  // Long enough that the timer never fires while a test runs: size and shutdown triggers only.
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final BatchFactory factory = new BatchFactory();
  private final ConsumerSink sink = new ConsumerSink();
  private TestContext context;
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void shutdownAll() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private LogsProcessor logs(int size, int max, Duration timeout) throws Exception {
    context = new TestContext("batch/test", Kind.PROCESSOR, Signal.LOGS);
    LogsProcessor p = factory.createLogs(context, new BatchConfig(size, max, timeout), sink);
    p.start(new TestHost());
    started.add(p::shutdown);
    return p;
  }

  @Test
  void everyRecordArrivesOnceInOrderWithVariedSizes() throws Exception {
    LogsProcessor p = logs(100, 0, NEVER);
    Random random = new Random(7);
    List<String> expected = new ArrayList<>();
    for (int call = 0; call < 200; call++) {
      int n = random.nextInt(250) + 1;
      p.consumeLogs(LogsBuilder.logs("c" + call, n));
      for (int i = 0; i < n; i++) {
        expected.add("c" + call + "-" + i);
      }
    }
    p.shutdown();

    assertEquals(expected, bodies(sink));
    assertEquals(expected.size(), sink.itemCount());
    assertEquals(0, context.droppedCount(Batcher.DROP_REASON));
  }

  /** A budget that counts what is held, to check reservations and releases balance. */
  private static final class CountingBudget implements MemoryBudget {
    final AtomicLong held = new AtomicLong();
    final long limit;

    CountingBudget(long limit) {
      this.limit = limit;
    }

    @Override
    public boolean tryReserve(long bytes) {
      if (held.get() + bytes > limit) {
        return false;
      }
      held.addAndGet(bytes);
      return true;
    }

    @Override
    public void reserve(long bytes) {
      held.addAndGet(bytes);
    }

    @Override
    public void release(long bytes) {
      held.addAndGet(-bytes);
    }

    @Override
    public long limitBytes() {
      return limit;
    }

    @Override
    public long reservedBytes() {
      return held.get();
    }
  }

  @Test
  void pendingRecordsCountInTheBudgetAndReturnItWhenHandedOn() throws Exception {
    CountingBudget budget = new CountingBudget(100_000);
    context = new TestContext("batch/test", Kind.PROCESSOR, Signal.LOGS).memory(budget);
    LogsProcessor p = factory.createLogs(context, new BatchConfig(70, 70, NEVER), sink);
    p.start(new TestHost());
    started.add(p::shutdown);
    Logs a = LogsBuilder.logs("a", 30);
    a.setEstimatedBytes(60_000);
    p.consumeLogs(a);
    assertEquals(60_000, budget.held.get(), "pending below send_batch_size holds its bytes");
    Logs b = LogsBuilder.logs("b", 30);
    b.setEstimatedBytes(60_000);
    p.consumeLogs(b); // past the limit: counted, not refused — the edge refuses, not the exit
    assertEquals(120_000, budget.held.get());
    // Odd sizes and splits (send_batch_max_size 70) must still balance to zero.
    int items = 60;
    for (int i = 0; i < 50; i++) {
      items += 7 + i % 11;
      Logs c = LogsBuilder.logs("c" + i, 7 + i % 11);
      c.setEstimatedBytes(1_001 + 37L * i);
      p.consumeLogs(c);
    }
    p.shutdown();
    assertEquals(0, budget.held.get(), "every reservation returned once handed on");
    assertEquals(items, sink.itemCount());
  }

  @Test
  void sendsWhenSendBatchSizeIsReached() throws Exception {
    LogsProcessor p = logs(10, 0, NEVER);
    p.consumeLogs(LogsBuilder.logs("a", 7));
    assertEquals(0, sink.itemCount(), "below send_batch_size nothing is sent");

    p.consumeLogs(LogsBuilder.logs("b", 5));

    assertEquals(1, sink.logs().size());
    assertEquals(12, sink.logs().get(0).logRecordCount());
    assertEquals(1, context.counterValue("otelcol_processor_batch_batch_size_trigger_send"));
    assertEquals(0, context.counterValue("otelcol_processor_batch_timeout_trigger_send"));
  }

  @Test
  void sendsWhenTimeoutExpires() throws Exception {
    LogsProcessor p = logs(1000, 0, Duration.ofMillis(20));
    p.consumeLogs(LogsBuilder.logs("a", 3));
    p.consumeLogs(LogsBuilder.logs("b", 2));

    sink.awaitItems(5, WAIT);
    assertEquals(List.of("a-0", "a-1", "a-2", "b-0", "b-1"), bodies(sink));
    assertEquals(sink.logs().size(),
        context.counterValue("otelcol_processor_batch_timeout_trigger_send"));
    assertEquals(0, context.counterValue("otelcol_processor_batch_batch_size_trigger_send"));
  }

  @Test
  void splitsBatchesAboveMaxSize() throws Exception {
    LogsProcessor p = logs(10, 15, NEVER);
    p.consumeLogs(LogsBuilder.logs("a", 100));

    List<Integer> sizes = sink.logs().stream().map(Logs::logRecordCount).toList();
    assertEquals(List.of(15, 15, 15, 15, 15, 15, 10), sizes);
    assertEquals(expectedBodies("a", 100), bodies(sink));
  }

  @Test
  void keepsSplitRemainderBelowSendBatchSizeUntilShutdown() throws Exception {
    LogsProcessor p = logs(20, 30, NEVER);
    p.consumeLogs(LogsBuilder.logs("a", 75));

    assertEquals(60, sink.itemCount(), "two full batches of 30; 15 stay below send_batch_size");

    p.shutdown();
    List<Integer> sizes = sink.logs().stream().map(Logs::logRecordCount).toList();
    assertEquals(List.of(30, 30, 15), sizes);
  }

  @Test
  void shutdownFlushesPendingData() throws Exception {
    LogsProcessor p = logs(1000, 0, NEVER);
    p.consumeLogs(LogsBuilder.logs("a", 5));
    assertEquals(0, sink.itemCount());

    p.shutdown();

    assertEquals(expectedBodies("a", 5), bodies(sink));
  }

  @Test
  void zeroTimeoutSendsAtOnceSplitToMaxSize() throws Exception {
    LogsProcessor p = logs(8192, 8192, Duration.ZERO);
    Logs in = LogsBuilder.logs("a", 3);
    p.consumeLogs(in);
    assertEquals(1, sink.logs().size());
    assertTrue(sink.logs().get(0) == in, "an unsplit batch is passed on as is, not copied");

    sink.reset();
    p = logs(4, 4, Duration.ZERO);
    p.consumeLogs(LogsBuilder.logs("b", 10));
    List<Integer> sizes = sink.logs().stream().map(Logs::logRecordCount).toList();
    assertEquals(List.of(4, 4, 2), sizes);
  }

  @Test
  void timerRacingThePipelineLosesAndReordersNothing() throws Exception {
    LogsProcessor p = logs(50, 60, Duration.ofNanos(1));
    Random random = new Random(11);
    List<String> expected = new ArrayList<>();
    for (int call = 0; call < 2000; call++) {
      int n = random.nextInt(20) + 1;
      p.consumeLogs(LogsBuilder.logs("c" + call, n));
      for (int i = 0; i < n; i++) {
        expected.add("c" + call + "-" + i);
      }
    }
    p.shutdown();

    assertEquals(expected, bodies(sink));
    for (Logs batch : sink.logs()) {
      assertTrue(batch.logRecordCount() <= 60, "batch of " + batch.logRecordCount());
    }
  }

  @Test
  void countsItemsRefusedDownstreamAsDroppedWithoutThrowing() throws Exception {
    LogsProcessor p = logs(10, 0, NEVER);
    sink.failWith(ConsumerException.retryable("exporter queue full"));

    p.consumeLogs(LogsBuilder.logs("a", 4));
    p.consumeLogs(LogsBuilder.logs("b", 8));
    p.consumeLogs(LogsBuilder.logs("c", 3));
    p.shutdown();

    assertEquals(15, context.droppedCount(Batcher.DROP_REASON));
    assertEquals(0, sink.itemCount());
  }

  @Test
  void copiesReadOnlyInputInsteadOfFailing() throws Exception {
    LogsProcessor p = logs(10, 0, NEVER);
    Logs first = LogsBuilder.logs("a", 3);
    Logs shared = LogsBuilder.logs("b", 3);
    shared.markReadOnly();

    p.consumeLogs(first);
    p.consumeLogs(shared);
    p.shutdown();

    assertEquals(List.of("a-0", "a-1", "a-2", "b-0", "b-1", "b-2"), bodies(sink));
    assertEquals(3, shared.logRecordCount(), "read-only input is left as it was");
  }

  @Test
  void namesItsTimerThreadAfterTheComponent() throws Exception {
    logs(10, 0, NEVER);
    boolean found = Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("tapio-batch-batch/test-logs") && t.isDaemon());
    assertTrue(found);
  }

  @Test
  void tracesAreCountedInSpans() throws Exception {
    TestContext ctx = new TestContext("batch", Kind.PROCESSOR, Signal.TRACES);
    TracesProcessor p = factory.createTraces(ctx, new BatchConfig(5, 5, NEVER), sink);
    p.start(new TestHost());
    p.consumeTraces(traces(3));
    assertEquals(0, sink.itemCount());
    p.consumeTraces(traces(9));
    assertEquals(10, sink.itemCount());
    p.shutdown();

    List<Integer> sizes = sink.traces().stream().map(Traces::spanCount).toList();
    assertEquals(List.of(5, 5, 2), sizes);
  }

  @Test
  void metricsAreCountedInPointsAndSplitWholeMetricsAtATime() throws Exception {
    TestContext ctx = new TestContext("batch", Kind.PROCESSOR, Signal.METRICS);
    MetricsProcessor p = factory.createMetrics(ctx, new BatchConfig(5, 5, NEVER), sink);
    p.start(new TestHost());

    p.consumeMetrics(metrics(4, 4, 4, 2, 10));
    p.shutdown();

    List<Integer> points = sink.metrics().stream().map(Metrics::dataPointCount).toList();
    assertEquals(List.of(4, 4, 4, 2, 10), points,
        "no two metrics fit in 5 points; the 10-point metric goes alone, over the bound");
    List<String> names = sink.metrics().stream()
        .map(m -> m.resourceMetrics().get(0).scopeMetrics().get(0).metrics().get(0).name())
        .toList();
    assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), names);
    assertEquals(24, sink.itemCount());
  }

  @Test
  void metricsFillABatchWithAsManyWholeMetricsAsFit() throws Exception {
    TestContext ctx = new TestContext("batch", Kind.PROCESSOR, Signal.METRICS);
    MetricsProcessor p = factory.createMetrics(ctx, new BatchConfig(6, 6, NEVER), sink);
    p.start(new TestHost());

    p.consumeMetrics(metrics(2, 2, 2, 3, 3, 1));
    p.shutdown();

    List<Integer> sizes = sink.metrics().stream().map(Metrics::metricCount).toList();
    assertEquals(List.of(3, 2, 1), sizes);
  }

  private static List<String> bodies(ConsumerSink sink) {
    List<String> out = new ArrayList<>();
    for (LogRecord r : sink.logRecords()) {
      out.add(r.bodyString());
    }
    return out;
  }

  private static List<String> expectedBodies(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + "-" + i);
    }
    return out;
  }

  private static Traces traces(int spans) {
    Traces t = new Traces();
    ScopeSpans ss = t.resourceSpans().appendEmpty().scopeSpans().appendEmpty();
    for (int i = 0; i < spans; i++) {
      ss.spans().appendEmpty().setName("s" + i);
    }
    return t;
  }

  /** One resource and scope, one gauge per argument with that many points. */
  private static Metrics metrics(int... pointsPerMetric) {
    Metrics m = new Metrics();
    PList<Metric> list = m.resourceMetrics().appendEmpty().scopeMetrics().appendEmpty().metrics();
    for (int i = 0; i < pointsPerMetric.length; i++) {
      Metric metric = list.appendEmpty().setName("m" + i);
      PList<NumberDataPoint> points = metric.setGauge();
      for (int j = 0; j < pointsPerMetric[i]; j++) {
        points.appendEmpty().setLongValue(j);
      }
    }
    return m;
  }
}
