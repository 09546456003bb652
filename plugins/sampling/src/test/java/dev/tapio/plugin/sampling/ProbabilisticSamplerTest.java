package dev.tapio.plugin.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeSpans;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbabilisticSamplerTest {
  private static final int N = 100_000;

  private final ProbabilisticSamplerFactory factory = new ProbabilisticSamplerFactory();
  private final TestContext context = new TestContext("probabilistic_sampler", Kind.PROCESSOR,
      Signal.LOGS);
  private final ConsumerSink sink = new ConsumerSink();

  private LogsProcessor logs(double percentage, long seed, String fromAttribute) {
    return logs(percentage, seed, fromAttribute, sink);
  }

  private LogsProcessor logs(double percentage, long seed, String fromAttribute,
      ConsumerSink to) {
    return factory.createLogs(context,
        new ProbabilisticSamplerConfig(percentage, seed, fromAttribute), to);
  }

  private static Logs withRandomTraceIds(int n, long randomSeed) {
    Logs logs = LogsBuilder.logs("r", n);
    Random random = new Random(randomSeed);
    for (LogRecord r : logs.resourceLogs().get(0).scopeLogs().get(0).logRecords()) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      r.setTraceId(id);
    }
    return logs;
  }

  /** Asserts kept is within 5 standard deviations of the binomial mean for n at percentage p. */
  private static void assertBinomial(long kept, int n, double percentage) {
    double p = (int) (percentage * 163.84) / 16384.0;
    double mean = n * p;
    double sigma = Math.sqrt(n * p * (1 - p));
    assertTrue(Math.abs(kept - mean) <= 5 * sigma,
        "kept " + kept + " of " + n + ", expected " + mean + " ± " + 5 * sigma);
  }

  @Test
  void keepsTheConfiguredShareOfTraceIds() {
    logs(10, 0, "").consumeLogs(withRandomTraceIds(N, 1));

    long kept = sink.itemCount();
    assertBinomial(kept, N, 10);
    assertEquals(N - kept, context.droppedCount(LogsSampler.DROP_REASON));
  }

  @Test
  void keepsTheConfiguredShareAtRandomWithoutTraceIdOrAttribute() {
    logs(10, 0, "").consumeLogs(LogsBuilder.logs("x", N));

    long kept = sink.itemCount();
    assertBinomial(kept, N, 10);
    assertEquals(N - kept, context.droppedCount(LogsSampler.DROP_REASON));
  }

  @Test
  void keepsTheConfiguredShareOfAttributeValues() {
    // Random values: FNV-1a mixes its low bits weakly, so sequential values ("id-1", "id-2"…)
    // skew the share by a few percent, in the Collector as here.
    Logs logs = LogsBuilder.logs("x", N);
    Random random = new Random(2);
    for (LogRecord r : logs.resourceLogs().get(0).scopeLogs().get(0).logRecords()) {
      r.attributes().putString("log.id", Long.toHexString(random.nextLong()));
    }
    logs(33.3, 5, "log.id").consumeLogs(logs);

    assertBinomial(sink.itemCount(), N, 33.3);
    assertEquals(N - sink.itemCount(), context.droppedCount(LogsSampler.DROP_REASON));
  }

  private static Logs withIds(int n, int distinct) {
    Logs logs = LogsBuilder.logs("x", n);
    int i = 0;
    for (LogRecord r : logs.resourceLogs().get(0).scopeLogs().get(0).logRecords()) {
      r.attributes().putString("log.id", "id-" + (i++ % distinct));
    }
    return logs;
  }

  private static Set<String> keptIds(ConsumerSink sink) {
    Set<String> out = new HashSet<>();
    for (LogRecord r : sink.logRecords()) {
      out.add(r.attributes().getString("log.id"));
    }
    return out;
  }

  @Test
  void sameAttributeValueGetsTheSameDecisionAcrossProcessorsWithTheSameSeed() {
    ConsumerSink a = new ConsumerSink();
    ConsumerSink b = new ConsumerSink();
    ConsumerSink c = new ConsumerSink();
    logs(30, 42, "log.id", a).consumeLogs(withIds(10_000, 10_000));
    logs(30, 42, "log.id", b).consumeLogs(withIds(10_000, 10_000));
    logs(30, 43, "log.id", c).consumeLogs(withIds(10_000, 10_000));

    assertEquals(keptIds(a), keptIds(b));
    assertNotEquals(keptIds(a), keptIds(c), "another seed gives other decisions");
    Set<String> both = new HashSet<>(keptIds(a));
    both.retainAll(keptIds(c));
    assertTrue(both.size() < keptIds(a).size() / 2,
        "decisions under two seeds are nearly independent: overlap " + both.size());
  }

  @Test
  void repeatedValuesWithinABatchAreKeptOrDroppedTogether() {
    logs(50, 0, "log.id").consumeLogs(withIds(10_000, 100));

    int[] perValue = new int[100];
    for (LogRecord r : sink.logRecords()) {
      perValue[Integer.parseInt(r.attributes().getString("log.id").substring(3))]++;
    }
    int keptValues = 0;
    for (int count : perValue) {
      assertTrue(count == 0 || count == 100, "a value kept " + count + " of 100 times");
      keptValues += count == 100 ? 1 : 0;
    }
    assertTrue(keptValues > 0 && keptValues < 100, "kept " + keptValues + " of 100 values");
  }

  @Test
  void traceIdTakesPrecedenceOverTheAttribute() {
    Logs logs = LogsBuilder.logs("x", 2000);
    int i = 0;
    for (LogRecord r : logs.resourceLogs().get(0).scopeLogs().get(0).logRecords()) {
      byte[] id = new byte[16];
      id[0] = (byte) (i % 20);
      id[15] = 1;
      r.setTraceId(id);
      r.attributes().putString("log.id", "unique-" + i++);
    }
    logs(50, 0, "log.id").consumeLogs(logs);

    int[] perTrace = new int[20];
    for (LogRecord r : sink.logRecords()) {
      perTrace[r.traceId()[0]]++;
    }
    for (int count : perTrace) {
      assertTrue(count == 0 || count == 100, "a trace kept " + count + " of 100 records");
    }
  }

  @Test
  void zeroPercentKeepsNoneAndDoesNotCallNext() {
    LogsProcessor p = logs(0, 0, "");
    p.consumeLogs(withRandomTraceIds(500, 3));

    assertEquals(0, sink.logs().size());
    assertEquals(500, context.droppedCount(LogsSampler.DROP_REASON));
  }

  @Test
  void hundredPercentKeepsAllAndPassesTheBatchOnAsIs() {
    LogsProcessor p = logs(100, 0, "");
    Logs in = withRandomTraceIds(500, 3);
    p.consumeLogs(in);

    assertSame(in, sink.logs().get(0));
    assertEquals(500, sink.itemCount());
    assertEquals(0, context.droppedCount(LogsSampler.DROP_REASON));
  }

  @Test
  void removesGroupsLeftEmptyAndSkipsNextWhenNothingIsLeft() {
    Logs logs = new Logs();
    List<byte[]> ids = new ArrayList<>();
    Random random = new Random(9);
    for (int r = 0; r < 50; r++) {
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      rl.resource().attributes().putLong("r", r);
      for (int s = 0; s < 2; s++) {
        ScopeLogs sl = rl.scopeLogs().appendEmpty();
        byte[] id = new byte[16];
        random.nextBytes(id);
        ids.add(id);
        sl.logRecords().appendEmpty().setTraceId(id);
      }
    }
    logs(20, 0, "").consumeLogs(logs);

    for (Logs out : sink.logs()) {
      for (ResourceLogs rl : out.resourceLogs()) {
        assertTrue(!rl.scopeLogs().isEmpty(), "an empty resource group was passed on");
        for (ScopeLogs sl : rl.scopeLogs()) {
          assertTrue(!sl.logRecords().isEmpty(), "an empty scope group was passed on");
        }
      }
    }
    assertEquals(100, sink.itemCount() + context.droppedCount(LogsSampler.DROP_REASON));

    sink.reset();
    Logs allDropped = new Logs();
    ScopeLogs sl = allDropped.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    sl.logRecords().appendEmpty().setTraceId(droppedTraceId(20, 0));
    logs(20, 0, "").consumeLogs(allDropped);
    assertEquals(0, sink.logs().size(), "next is not called with nothing left");
  }

  private static byte[] droppedTraceId(double percentage, long seed) {
    Sampler s = new Sampler(percentage, seed);
    Random random = new Random(1);
    while (true) {
      byte[] id = new byte[16];
      random.nextBytes(id);
      if (!s.keep(id)) {
        return id;
      }
    }
  }

  @Test
  void copiesReadOnlyInputBeforeRemoving() {
    Logs shared = withRandomTraceIds(1000, 4);
    shared.markReadOnly();
    logs(50, 0, "").consumeLogs(shared);

    assertEquals(1000, shared.logRecordCount());
    assertEquals(1000, sink.itemCount() + context.droppedCount(LogsSampler.DROP_REASON));
  }

  @Test
  void spansOfOneTraceShareTheirFate() {
    TestContext ctx = new TestContext("probabilistic_sampler", Kind.PROCESSOR, Signal.TRACES);
    TracesProcessor p = factory.createTraces(ctx, new ProbabilisticSamplerConfig(25, 0, ""),
        sink);
    assertEquals(Capabilities.MUTATES, p.capabilities());
    Traces traces = new Traces();
    Random random = new Random(5);
    byte[][] traceIds = new byte[1000][16];
    for (byte[] id : traceIds) {
      random.nextBytes(id);
    }
    for (int r = 0; r < 10; r++) {
      ScopeSpans ss = traces.resourceSpans().appendEmpty().scopeSpans().appendEmpty();
      for (int t = 0; t < traceIds.length; t++) {
        ss.spans().appendEmpty().setTraceId(traceIds[t]).setName("t" + t);
      }
    }
    p.consumeTraces(traces);

    int[] perTrace = new int[traceIds.length];
    for (Traces out : sink.traces()) {
      for (ResourceSpans rs : out.resourceSpans()) {
        for (ScopeSpans ss : rs.scopeSpans()) {
          for (Span s : ss.spans()) {
            perTrace[Integer.parseInt(s.name().substring(1))]++;
          }
        }
      }
    }
    int keptTraces = 0;
    for (int count : perTrace) {
      assertTrue(count == 0 || count == 10, "a trace kept " + count + " of 10 spans");
      keptTraces += count == 10 ? 1 : 0;
    }
    assertBinomial(keptTraces, traceIds.length, 25);
    assertEquals(10_000 - sink.itemCount(), ctx.droppedCount(LogsSampler.DROP_REASON));
  }
}
