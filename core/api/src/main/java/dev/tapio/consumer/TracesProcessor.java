package dev.tapio.consumer;

import dev.tapio.component.Component;

/**
 * A traces processor: consumes from the pipeline, passes (changed, fewer, batched) data to the next
 * consumer. Called by its pipeline's single thread, except where the implementation adds threads
 * of its own (a batch timer), which it then guards.
 */
public interface TracesProcessor extends TracesConsumer, Component {}
