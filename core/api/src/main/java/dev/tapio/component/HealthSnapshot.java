package dev.tapio.component;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The engine's health at one moment, as its {@code /readyz} reports it: for extensions that
 * answer health checks in another shape (the Collector's {@code health_check}).
 *
 * @param ready whether the pipelines run and no component is in {@link ComponentStatus#ERROR}
 * @param components each component's state, by its kind and id ({@code exporter/otlp})
 * @param startedAt when the engine started its pipelines, or null before
 * @param reasons why each component is in its state, as /readyz says (empty when it said none)
 * @param pipelines one line per pipeline, as {@code tapio run} prints them at start
 *     ({@code logs: otlp -> batch -> [queue 4096, block] -> otlp})
 */
public record HealthSnapshot(boolean ready, Map<String, ComponentStatus> components,
    Instant startedAt, Map<String, String> reasons, List<String> pipelines) {

  /** What a host that tracks no health reports: ready, nothing known. */
  public static final HealthSnapshot UNKNOWN = new HealthSnapshot(true, Map.of(), null);

  public HealthSnapshot {
    components = Map.copyOf(Objects.requireNonNull(components, "components"));
    reasons = Map.copyOf(Objects.requireNonNull(reasons, "reasons"));
    pipelines = List.copyOf(Objects.requireNonNull(pipelines, "pipelines"));
  }

  /** Without reasons and pipelines. */
  public HealthSnapshot(boolean ready, Map<String, ComponentStatus> components,
      Instant startedAt) {
    this(ready, components, startedAt, Map.of(), List.of());
  }
}
