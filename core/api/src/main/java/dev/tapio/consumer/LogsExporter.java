package dev.tapio.consumer;

import dev.tapio.component.Component;

/**
 * A logs exporter: the end of a pipeline. Shared by every pipeline naming its id, so
 * {@link #consumeLogs} is called concurrently and must be thread-safe.
 */
public interface LogsExporter extends LogsConsumer, Component {}
