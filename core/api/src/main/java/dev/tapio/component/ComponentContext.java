package dev.tapio.component;

import java.util.function.DoubleSupplier;

/**
 * What the engine gives one component instance at creation: its identity, a logger, and its
 * self-telemetry. All methods are thread-safe.
 */
public interface ComponentContext {

  ComponentId id();

  Kind kind();

  /** The signal of the pipelines this instance serves, or null for an extension. */
  Signal signal();

  /** A logger named after the component id. */
  System.Logger logger();

  /**
   * Counts items (log records, metric points or spans of {@link #signal()}) that this component
   * dropped, with a short snake_case reason such as {@code filtered}, {@code sampled_out},
   * {@code memory_limit}. Exposed as {@code otelcol_processor_dropped_*} / {@code
   * tapio_events_dropped_total{reason}}. Allocation-free once a reason has been seen.
   *
   * <p>Call it with 0 at creation for every reason the component can produce, so the series
   * exist from the start and alerts on them see 0 rather than "no data".
   */
  void dropped(long count, String reason);

  /**
   * A monotonic counter exposed on the metrics endpoint as {@code name_total}, labelled with the
   * given label pairs ({@code "program", "exec"}) plus this component's id.
   *
   * <p>An exporter that registers {@code otelcol_exporter_sent_<items>} (and {@code
   * otelcol_exporter_send_failed_<items>}) counts them itself, when its destination accepted the
   * data, as a sending queue does; the engine then stops counting a batch as sent when {@code
   * consume} returns.
   */
  Counter counter(String name, String description, String... labelPairs);

  /** A gauge read at each scrape, labelled like {@link #counter}. */
  void gauge(String name, String description, DoubleSupplier value, String... labelPairs);

  /** The process-wide budget for data held in memory; see {@link MemoryBudget}. */
  default MemoryBudget memory() {
    return MemoryBudget.UNLIMITED;
  }

  /** Sets this component's state and reason as reported by {@code /readyz}. */
  void reportStatus(ComponentStatus status, String reason);

  /** A monotonic counter. Thread-safe and allocation-free. */
  interface Counter {
    void add(long delta);

    long value();
  }
}
