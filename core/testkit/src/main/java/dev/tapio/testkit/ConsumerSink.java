package dev.tapio.testkit;

import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A consumer that keeps everything it is given, for tests: the Collector's consumertest.Sink.
 * Thread-safe: any number of threads may consume while a test thread waits and reads.
 */
public final class ConsumerSink implements LogsConsumer, MetricsConsumer, TracesConsumer {
  private final List<Logs> logs = new ArrayList<>();
  private final List<Metrics> metrics = new ArrayList<>();
  private final List<Traces> traces = new ArrayList<>();
  private long items;
  private volatile RuntimeException failure;

  @Override
  public synchronized void consumeLogs(Logs data) {
    fail();
    logs.add(data);
    add(data);
  }

  @Override
  public synchronized void consumeMetrics(Metrics data) {
    fail();
    metrics.add(data);
    add(data);
  }

  @Override
  public synchronized void consumeTraces(Traces data) {
    fail();
    traces.add(data);
    add(data);
  }

  /** Makes every following consume throw {@code failure}; null to accept again. */
  public void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  private void fail() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private void add(TelemetryData<?> data) {
    items += data.itemCount();
    notifyAll();
  }

  /** Items (log records, points, spans) received so far, across signals. */
  public synchronized long itemCount() {
    return items;
  }

  public synchronized List<Logs> logs() {
    return List.copyOf(logs);
  }

  public synchronized List<Metrics> metrics() {
    return List.copyOf(metrics);
  }

  public synchronized List<Traces> traces() {
    return List.copyOf(traces);
  }

  /** Every log record received, flattened, in arrival order. */
  public synchronized List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (Logs l : logs) {
      for (ResourceLogs rl : l.resourceLogs()) {
        for (ScopeLogs sl : rl.scopeLogs()) {
          for (LogRecord r : sl.logRecords()) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }

  /** Waits until at least {@code n} items arrived; throws TimeoutException saying how many did. */
  public synchronized void awaitItems(long n, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (items < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("expected " + n + " items, got " + items + " in " + timeout);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public synchronized void reset() {
    logs.clear();
    metrics.clear();
    traces.clear();
    items = 0;
  }
}
