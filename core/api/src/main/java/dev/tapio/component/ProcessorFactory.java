package dev.tapio.component;

import dev.tapio.config.ComponentConfig;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import java.util.Set;

/**
 * Creates processors. The engine creates one processor per pipeline that names it, so an
 * instance sees the data of one pipeline only, and chains it in front of {@code next}.
 */
public interface ProcessorFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  Set<Signal> signals();

  default LogsProcessor createLogs(ComponentContext context, C config, LogsConsumer next) {
    throw new UnsupportedOperationException(type() + " does not process logs");
  }

  default MetricsProcessor createMetrics(
      ComponentContext context, C config, MetricsConsumer next) {
    throw new UnsupportedOperationException(type() + " does not process metrics");
  }

  default TracesProcessor createTraces(ComponentContext context, C config, TracesConsumer next) {
    throw new UnsupportedOperationException(type() + " does not process traces");
  }
}
