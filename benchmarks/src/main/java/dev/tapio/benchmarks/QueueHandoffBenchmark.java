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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Producer threads hand batches to a pipeline's bounded MPSC queue; the pipeline thread drains
 * them to a nop exporter. Throughput is batches/s accepted by the queue with {@code block}
 * overflow, so a slow drain shows as back-pressure on the producers. The batch is read-only and
 * shared, which the ownership contract allows, so the benchmark measures the hand-off, not the
 * building of records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
public class QueueHandoffBenchmark {
  @Param({"1", "100"})
  public int recordsPerBatch;

  private Tapio tapio;
  private LogsConsumer push;
  private Logs batch;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    tapio = Tapio.builder().metricsPort(-1).config("bench.yaml", """
        receivers: {bench_push: {}}
        exporters: {nop: {}}
        service:
          pipelines:
            logs:
              receivers: [bench_push]
              exporters: [nop]
              queue: {size: 4096, overflow: block, block_timeout: 60s}
        """).start();
    push = BenchComponents.PUSH.get("bench_push");
    batch = records(recordsPerBatch);
    batch.markReadOnly();
  }

  static Logs records(int n) {
    Logs logs = new Logs();
    ScopeLogs sl = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    for (int i = 0; i < n; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setSeverity(Severity.INFO).setBody("benchmark record").setTimeUnixNano(i);
      r.attributes().putLong("i", i);
    }
    return logs;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tapio.close();
  }

  @Benchmark
  @Threads(1)
  public void oneProducer() {
    push.consumeLogs(batch);
  }

  @Benchmark
  @Threads(2)
  public void twoProducers() {
    push.consumeLogs(batch);
  }
}
