package dev.tapio.testkit;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Host;
import java.util.Map;
import java.util.Optional;

/** A {@link Host} with the given extensions (none by default), for unit tests. */
public record TestHost(Map<ComponentId, Component> extensions) implements Host {
  public TestHost() {
    this(Map.of());
  }

  @Override
  public Optional<Component> extension(ComponentId id) {
    return Optional.ofNullable(extensions.get(id));
  }
}
