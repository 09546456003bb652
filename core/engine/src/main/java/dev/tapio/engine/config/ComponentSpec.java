package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.config.ComponentConfig;
import java.util.Objects;

/**
 * One configured component: its id, the factory of its type and its validated configuration,
 * ready to be created. The location is where its id was written. Immutable.
 */
public record ComponentSpec(
    ComponentId id,
    Kind kind,
    ComponentFactory<?> factory,
    ComponentConfig config,
    Location location) {

  public ComponentSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(location, "location");
  }
}
