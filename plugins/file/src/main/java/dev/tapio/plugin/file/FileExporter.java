package dev.tapio.plugin.file;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes each batch as one OTLP-JSON line to the configured file. Exporters of different signals
 * with the same path share one writer ({@link SharedFiles}).
 *
 * <p>Thread-safe: pipelines call the consume methods concurrently; the shared writer serialises
 * them. Reads the data only, never retains it. An IO failure is reported as a retryable
 * {@link ConsumerException} naming the file, so the caller keeps the batch and may retry.
 */
final class FileExporter implements LogsExporter, MetricsExporter, TracesExporter {
  private final ComponentContext context;
  private final Path path;
  private final SharedFiles.Settings settings;
  private volatile RotatingFileWriter writer;

  FileExporter(ComponentContext context, FileExporterConfig config) {
    this.context = context;
    this.path = Path.of(config.path());
    this.settings = new SharedFiles.Settings(config.maxBytes(), config.rotation().maxBackups(),
        config.flushInterval());
  }

  @Override
  public void start(Host host) throws IOException {
    try {
      writer = SharedFiles.acquire(path, settings, System::currentTimeMillis);
    } catch (IOException e) {
      throw new IOException("cannot open " + path.toAbsolutePath() + " for writing: " + e, e);
    }
    context.reportStatus(ComponentStatus.OK, "");
  }

  @Override
  public void shutdown() throws IOException {
    RotatingFileWriter w = writer;
    writer = null;
    if (w != null) {
      SharedFiles.release(w);
    }
  }

  @Override
  public void consumeLogs(Logs logs) {
    try {
      writer().writeLogs(logs);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    try {
      writer().writeMetrics(metrics);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void consumeTraces(Traces traces) {
    try {
      writer().writeTraces(traces);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private RotatingFileWriter writer() {
    RotatingFileWriter w = writer;
    if (w == null) {
      throw ConsumerException.retryable("file exporter for " + path + " is not started");
    }
    return w;
  }

  private ConsumerException failure(Exception e) {
    return ConsumerException.retryable("cannot write to " + path.toAbsolutePath() + ": " + e, e);
  }
}
