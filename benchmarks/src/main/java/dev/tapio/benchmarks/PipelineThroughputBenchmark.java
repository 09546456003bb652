package dev.tapio.benchmarks;

import dev.tapio.Tapio;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the synthetic receiver does, then the whole path: build a batch of 100 records (body,
 * 4 attributes, as synthetic's defaults), hand it to the pipeline queue, batch processor
 * (8192 / 200ms), nop exporter. One op = one record ({@link OperationsPerInvocation}), so
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} reads as bytes allocated per record, counting
 * the producer's records and everything the pipeline allocates for them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
public class PipelineThroughputBenchmark {
  private static final int BATCH = 100;
  private static final String[] KEYS = {"attr.0", "attr.1", "attr.2", "attr.3"};
  private static final String BODY = "x".repeat(64);

  private Tapio tapio;
  private LogsConsumer push;
  private long seq;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    tapio = Tapio.builder().metricsPort(-1).config("bench.yaml", """
        receivers: {bench_push: {}}
        processors: {batch: {}}
        exporters: {nop: {}}
        service:
          pipelines:
            logs:
              receivers: [bench_push]
              processors: [batch]
              exporters: [nop]
              queue: {size: 4096, overflow: block, block_timeout: 60s}
        """).start();
    push = BenchComponents.PUSH.get("bench_push");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tapio.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void syntheticToBatchToNop() {
    Logs logs = new Logs();
    var rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "bench");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.logRecords().ensureCapacity(BATCH);
    for (int i = 0; i < BATCH; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(seq).setSeverity(Severity.INFO).setBody(BODY);
      for (String k : KEYS) {
        r.attributes().putLong(k, i);
      }
      r.attributes().putLong("synthetic.seq", seq++);
    }
    push.consumeLogs(logs);
  }
}
