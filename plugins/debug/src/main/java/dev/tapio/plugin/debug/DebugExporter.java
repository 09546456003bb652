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
 * <p>Thread-safe: pipelines call it concurrently. Each batch's text is built in a buffer of its
 * own and written with one print under the stream's lock, so batches never interleave, even with
 * other exporters printing to the same stream. Reads the data only, never retains it.
 */
final class DebugExporter implements LogsExporter, MetricsExporter, TracesExporter {
  private final ComponentContext context;
  private final DebugConfig.Verbosity verbosity;
  private final Sampler sampler;
  private final PrintStream out;
  private final AtomicLong batches = new AtomicLong();

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
    StringBuilder sb = new StringBuilder(256);
    sb.append("LogsExporter #").append(n)
        .append(" resource logs: ").append(logs.resourceLogs().size())
        .append(", log records: ").append(logs.logRecordCount()).append('\n');
    switch (verbosity) {
      case BASIC -> {}
      case NORMAL -> NormalFormat.appendLogs(sb, logs);
      case DETAILED -> DetailedFormat.appendLogs(sb, logs);
    }
    print(sb);
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    long n = batches.getAndIncrement();
    int points = metrics.dataPointCount();
    if (!sampled(points)) {
      return;
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("MetricsExporter #").append(n)
        .append(" resource metrics: ").append(metrics.resourceMetrics().size())
        .append(", metrics: ").append(metrics.metricCount())
        .append(", data points: ").append(points).append('\n');
    switch (verbosity) {
      case BASIC -> {}
      case NORMAL -> NormalFormat.appendMetrics(sb, metrics);
      case DETAILED -> DetailedFormat.appendMetrics(sb, metrics);
    }
    print(sb);
  }

  @Override
  public void consumeTraces(Traces traces) {
    long n = batches.getAndIncrement();
    if (!sampled(traces.spanCount())) {
      return;
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append("TracesExporter #").append(n)
        .append(" resource spans: ").append(traces.resourceSpans().size())
        .append(", spans: ").append(traces.spanCount()).append('\n');
    switch (verbosity) {
      case BASIC -> {}
      case NORMAL -> NormalFormat.appendTraces(sb, traces);
      case DETAILED -> DetailedFormat.appendTraces(sb, traces);
    }
    print(sb);
  }

  private boolean sampled(int items) {
    if (sampler.sample()) {
      return true;
    }
    context.dropped(items, "sampled_out");
    return false;
  }

  private void print(StringBuilder sb) {
    String text = sb.toString();
    synchronized (out) {
      out.print(text);
      out.flush();
    }
  }
}
