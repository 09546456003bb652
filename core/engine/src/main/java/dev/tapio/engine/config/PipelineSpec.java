package dev.tapio.engine.config;

import dev.tapio.component.ComponentId;
import java.util.List;
import java.util.Objects;

/**
 * One pipeline of {@code service.pipelines}: its components in the order written, and its entry
 * queue. Every id refers to a component defined in the same {@link LoadedConfig} whose factory
 * supports the pipeline's signal. The location is where the pipeline id was written. Immutable.
 */
public record PipelineSpec(
    PipelineId id,
    List<ComponentId> receivers,
    List<ComponentId> processors,
    List<ComponentId> exporters,
    QueueSpec queue,
    Location location) {

  public PipelineSpec {
    Objects.requireNonNull(id, "id");
    receivers = List.copyOf(receivers);
    processors = List.copyOf(processors);
    exporters = List.copyOf(exporters);
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(location, "location");
  }
}
