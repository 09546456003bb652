package dev.tapio.consumer;

import dev.tapio.component.Component;

/**
 * A traces exporter: the end of a pipeline. Shared by every pipeline naming its id, so
 * {@link #consumeTraces} is called concurrently and must be thread-safe.
 */
public interface TracesExporter extends TracesConsumer, Component {}
