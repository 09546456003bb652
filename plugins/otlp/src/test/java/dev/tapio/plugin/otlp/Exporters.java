package dev.tapio.plugin.otlp;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.exporterhelper.QueueSettings;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.Map;

/** Builds started {@code otlphttp} exporters for tests. */
final class Exporters {
  private Exporters() {}

  /** The default sending queue: in memory, sent by its consumer threads. */
  static OtlpHttpExporterConfig config(String endpoint,
      OtlpHttpExporterConfig.Compression compression, OtlpHttpExporterConfig.Retry retry) {
    return config(endpoint, compression, retry, QueueSettings.DEFAULT);
  }

  /** {@code sending_queue: {enabled: false}}: sent on the caller's thread, failures thrown. */
  static OtlpHttpExporterConfig syncConfig(String endpoint,
      OtlpHttpExporterConfig.Compression compression, OtlpHttpExporterConfig.Retry retry) {
    return config(endpoint, compression, retry, NO_QUEUE);
  }

  static final QueueSettings NO_QUEUE = new QueueSettings(false, 1000, 4, false, null);

  static OtlpHttpExporterConfig config(String endpoint,
      OtlpHttpExporterConfig.Compression compression, OtlpHttpExporterConfig.Retry retry,
      QueueSettings queue) {
    return new OtlpHttpExporterConfig(endpoint, "", "", "", Map.of("X-Test", "yes"),
        compression, Duration.ofSeconds(10), retry, queue);
  }

  static OtlpHttpExporterConfig.Retry fastRetry() {
    return new OtlpHttpExporterConfig.Retry(true, Duration.ofMillis(10), Duration.ofMillis(100),
        Duration.ofSeconds(30), 2);
  }

  static OtlpHttpExporter start(OtlpHttpExporterConfig config, Signal signal, TestContext context) {
    OtlpHttpExporterFactory f = new OtlpHttpExporterFactory();
    OtlpHttpExporter e = (OtlpHttpExporter) switch (signal) {
      case LOGS -> f.createLogs(context, config);
      case METRICS -> f.createMetrics(context, config);
      case TRACES -> f.createTraces(context, config);
    };
    try {
      e.start(new TestHost());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    return e;
  }

  static TestContext context(Signal signal) {
    return new TestContext("otlphttp", Kind.EXPORTER, signal);
  }
}
