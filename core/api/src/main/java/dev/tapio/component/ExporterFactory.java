package dev.tapio.component;

import dev.tapio.config.ComponentConfig;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import java.util.Set;

/**
 * Creates exporters. The engine creates one exporter per exporter id and signal, shared by every
 * pipeline that names it: its consume methods are called concurrently from those pipelines'
 * threads and must be thread-safe.
 */
public interface ExporterFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  Set<Signal> signals();

  default LogsExporter createLogs(ComponentContext context, C config) {
    throw new UnsupportedOperationException(type() + " does not export logs");
  }

  default MetricsExporter createMetrics(ComponentContext context, C config) {
    throw new UnsupportedOperationException(type() + " does not export metrics");
  }

  default TracesExporter createTraces(ComponentContext context, C config) {
    throw new UnsupportedOperationException(type() + " does not export traces");
  }
}
