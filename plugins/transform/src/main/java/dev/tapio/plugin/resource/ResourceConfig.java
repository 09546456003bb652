package dev.tapio.plugin.resource;

import dev.tapio.config.ComponentConfig;
import dev.tapio.plugin.attributes.Action;
import java.util.List;

/**
 * Configuration of the {@code resource} processor.
 *
 * @param attributes the actions, applied in order to every resource's attributes
 */
public record ResourceConfig(List<Action> attributes) implements ComponentConfig {
  public ResourceConfig {
    attributes = List.copyOf(attributes);
  }
}
