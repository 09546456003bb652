package dev.tapio.component;

/** A component's health as shown by {@code /readyz}. */
public enum ComponentStatus {
  STARTING,
  OK,
  /** Running with reduced function (e.g. an eBPF receiver on its procfs fallback). */
  DEGRADED,
  /** Failed; data through it is being lost or refused. */
  ERROR,
  STOPPING,
  STOPPED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
