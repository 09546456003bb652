package dev.tapio.plugin.diagnostics;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.HealthSnapshot;
import dev.tapio.component.Host;
import java.util.Map;
import java.util.Optional;

/** A host whose health the test sets, with the given extensions. Thread-safe. */
final class FixedHost implements Host {
  volatile HealthSnapshot health;
  private final Map<ComponentId, Component> extensions;

  FixedHost(HealthSnapshot health, Map<ComponentId, Component> extensions) {
    this.health = health;
    this.extensions = Map.copyOf(extensions);
  }

  @Override
  public Optional<Component> extension(ComponentId id) {
    return Optional.ofNullable(extensions.get(id));
  }

  @Override
  public Map<ComponentId, Component> extensions() {
    return extensions;
  }

  @Override
  public HealthSnapshot health() {
    return health;
  }
}
