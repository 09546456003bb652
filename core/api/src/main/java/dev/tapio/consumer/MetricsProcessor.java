package dev.tapio.consumer;

import dev.tapio.component.Component;

/**
 * A metrics processor: consumes from the pipeline, passes (changed, fewer, batched) data to the next
 * consumer. Called by its pipeline's single thread, except where the implementation adds threads
 * of its own (a batch timer), which it then guards.
 */
public interface MetricsProcessor extends MetricsConsumer, Component {}
