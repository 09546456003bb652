package dev.tapio.engine.config;

import java.util.Objects;

/**
 * One problem found in the configuration, where it is and what is wrong and valid. Messages never
 * contain values that came from the environment (those show as {@code <value of ${env:VAR}>}).
 * Immutable.
 */
public record ConfigError(Location location, String message) {

  public ConfigError {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  /** {@code source:line:column: message}. */
  @Override
  public String toString() {
    return location + ": " + message;
  }
}
