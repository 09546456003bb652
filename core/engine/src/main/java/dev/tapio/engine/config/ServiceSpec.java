package dev.tapio.engine.config;

import dev.tapio.component.ComponentId;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code service} section: which extensions run, the pipelines in file order, self-telemetry,
 * how long a stop may take to drain queues, and how long one processor or exporter call may run
 * before it is reported as stuck, and the bytes of telemetry the process may hold in queues and
 * requests being read (0: a quarter of the maximum heap) — Tapio extensions. Immutable.
 */
public record ServiceSpec(
    List<ComponentId> extensions,
    Map<PipelineId, PipelineSpec> pipelines,
    TelemetrySpec telemetry,
    Duration shutdownTimeout,
    Duration stuckTimeout,
    long memoryBudget) {

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STUCK_TIMEOUT = Duration.ofSeconds(30);

  public ServiceSpec {
    extensions = List.copyOf(extensions);
    // Map.copyOf would lose the file order that start-up logs and `tapio validate` show.
    pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(stuckTimeout, "stuckTimeout");
  }
}
