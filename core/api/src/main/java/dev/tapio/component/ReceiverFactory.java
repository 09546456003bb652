package dev.tapio.component;

import dev.tapio.config.ComponentConfig;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import java.util.Set;

/**
 * Creates receivers. The engine creates one receiver per receiver id and signal, and hands it
 * the consumer that feeds every pipeline naming that id. A receiver may call its consumer from
 * any number of its own threads concurrently.
 */
public interface ReceiverFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  Set<Signal> signals();

  default Component createLogs(ComponentContext context, C config, LogsConsumer next) {
    throw new UnsupportedOperationException(type() + " does not receive logs");
  }

  default Component createMetrics(ComponentContext context, C config, MetricsConsumer next) {
    throw new UnsupportedOperationException(type() + " does not receive metrics");
  }

  default Component createTraces(ComponentContext context, C config, TracesConsumer next) {
    throw new UnsupportedOperationException(type() + " does not receive traces");
  }
}
