package dev.tapio.component;

import java.util.Map;
import java.util.Optional;

/** What a component can reach of the running engine. Thread-safe. */
public interface Host {

  /** The started extension with this id, if the service lists it. */
  Optional<Component> extension(ComponentId id);

  /** Every started extension, by id. */
  Map<ComponentId, Component> extensions();

  /** The engine's health now, as {@code /readyz} reports it; a host without any: ready. */
  default HealthSnapshot health() {
    return HealthSnapshot.UNKNOWN;
  }
}
