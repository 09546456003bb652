package dev.tapio.consumer;

import dev.tapio.pdata.Metrics;

/**
 * Receives metrics.
 *
 * <p>Ownership: once {@link #consumeMetrics} returns, the data belongs to the callee and the caller
 * must neither read nor change it again. If it throws {@link ConsumerException}, the callee has
 * not retained the data and the caller may offer it again. Data marked read-only (shared by a
 * fan-out) must not be changed by a consumer whose {@link #capabilities()} say it does not
 * mutate.
 *
 * <p>Threading: implementations say whether they may be called concurrently; exporters and the
 * consumers handed to receivers must allow it.
 */
@FunctionalInterface
public interface MetricsConsumer extends Consumer {

  void consumeMetrics(Metrics metrics);
}
