package dev.tapio.plugin.debug;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Prints each batch it is given: a summary line ({@code LogsExporter #3 resource logs: 1, log
 * records: 100}), followed at {@code normal} by one line per item and at {@code detailed} by every
 * field. Batches beyond the sampling allowance of each second are not printed and are counted as
 * dropped with reason {@code sampled_out}.
 *
 * <p>Thread-safe: pipelines call it concurrently. A batch is formatted and printed, in pieces of
 * 16K chars, while holding the stream's lock, so batches never interleave, even with other
 * exporters printing to the same stream. Reads the data only, never retains it.
 */
final class DebugExporter implements LogsExporter, MetricsExporter, TracesExporter {
  private static final int PIECE = 16 * 1024;

  private final ComponentContext context;
  private final DebugConfig.Verbosity verbosity;
  private final Sampler sampler;
  private final PrintStream out;
  private final AtomicLong batches = new AtomicLong();
  /**
   * The text being printed, guarded by {@code out}'s lock; printed in pieces of about {@link
   * #PIECE} chars, so that a batch of thousands of items never becomes one string of megabytes
   * (an agent's young generation is a few MB: such strings went straight to the old one).
   */
  private final StringBuilder text = new StringBuilder(PIECE + 1024);
  private final Runnable flushIfLarge = this::printIfLarge;

  DebugExporter(ComponentContext context, DebugConfig config) {
    this(context, config, System.out, System::nanoTime);
  }

  DebugExporter(ComponentContext context, DebugConfig config, PrintStream out) {
    this(context, config, out, System::nanoTime);
  }

  DebugExporter(ComponentContext context, DebugConfig config, PrintStream out,
      LongSupplier nanoClock) {
    this.context = context;
    context.dropped(0, "sampled_out"); // the series exists from the start
    this.verbosity = config.verbosity();
    this.sampler = new Sampler(config.samplingInitial(), config.samplingThereafter(), nanoClock);
    this.out = out;
  }

  @Override
  public void consumeLogs(Logs logs) {
    long n = batches.getAndIncrement();
    if (!sampled(logs.logRecordCount())) {
      return;
    }
    print((t, itemDone) -> {
      t.append("LogsExporter #").append(n)
          .append(" resource logs: ").append(logs.resourceLogs().size())
          .append(", log records: ").append(logs.logRecordCount()).append('\n');
      switch (verbosity) {
        case BASIC -> {}
        case NORMAL -> NormalFormat.appendLogs(t, logs, itemDone);
        case DETAILED -> DetailedFormat.appendLogs(t, logs, itemDone);
      }
    });
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    long n = batches.getAndIncrement();
    int points = metrics.dataPointCount();
    if (!sampled(points)) {
      return;
    }
    print((t, itemDone) -> {
      t.append("MetricsExporter #").append(n)
          .append(" resource metrics: ").append(metrics.resourceMetrics().size())
          .append(", metrics: ").append(metrics.metricCount())
          .append(", data points: ").append(points).append('\n');
      switch (verbosity) {
        case BASIC -> {}
        case NORMAL -> NormalFormat.appendMetrics(t, metrics, itemDone);
        case DETAILED -> DetailedFormat.appendMetrics(t, metrics, itemDone);
      }
    });
  }

  @Override
  public void consumeTraces(Traces traces) {
    long n = batches.getAndIncrement();
    if (!sampled(traces.spanCount())) {
      return;
    }
    print((t, itemDone) -> {
      t.append("TracesExporter #").append(n)
          .append(" resource spans: ").append(traces.resourceSpans().size())
          .append(", spans: ").append(traces.spanCount()).append('\n');
      switch (verbosity) {
        case BASIC -> {}
        case NORMAL -> NormalFormat.appendTraces(t, traces, itemDone);
        case DETAILED -> DetailedFormat.appendTraces(t, traces, itemDone);
      }
    });
  }

  /** Writes one batch's text: its summary line and, per verbosity, its items. */
  private interface Batch {
    /** Appends to {@code text}, running {@code itemDone} after each item. */
    void format(StringBuilder text, Runnable itemDone);
  }

  /** Formats and prints one batch while holding the stream's lock (see the class comment). */
  private void print(Batch batch) {
    synchronized (out) {
      text.setLength(0); // whatever a batch that failed to format left
      batch.format(text, flushIfLarge);
      printRest();
    }
  }

  private boolean sampled(int items) {
    if (sampler.sample()) {
      return true;
    }
    context.dropped(items, "sampled_out");
    return false;
  }

  /** Prints the text when a piece is complete (after an item). Caller holds out's lock. */
  private void printIfLarge() {
    if (text.length() >= PIECE) {
      out.append(text);
      text.setLength(0);
    }
  }

  /** Prints what is left of the batch's text. Caller holds out's lock. */
  private void printRest() {
    try {
      out.append(text);
      out.flush();
    } finally {
      text.setLength(0);
      if (text.capacity() > 4 * PIECE) {
        text.trimToSize(); // one huge item grew it: do not keep that much
      }
    }
  }
}
