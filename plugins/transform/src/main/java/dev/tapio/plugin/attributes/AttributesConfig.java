package dev.tapio.plugin.attributes;

import dev.tapio.config.ComponentConfig;
import java.util.List;

/**
 * Configuration of the {@code attributes} processor.
 *
 * @param actions applied in order to the attributes of every span, log record and data point
 */
public record AttributesConfig(List<Action> actions) implements ComponentConfig {
  public AttributesConfig {
    actions = List.copyOf(actions);
  }
}
