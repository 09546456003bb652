package dev.tapio.consumer;

import dev.tapio.component.Component;

/**
 * A metrics exporter: the end of a pipeline. Shared by every pipeline naming its id, so
 * {@link #consumeMetrics} is called concurrently and must be thread-safe.
 */
public interface MetricsExporter extends MetricsConsumer, Component {}
