package dev.tapio.engine.config;

import java.util.Objects;

/**
 * One problem found in the configuration, where it is and what is wrong and valid. Messages never
 * contain values that came from the environment (those show as {@code <value of ${env:VAR}>}).
 * Immutable.
 */
public record ConfigError(Location location, String message) {

  /**
   * Longer messages quote a runaway key or value (a key of a million characters); their middle
   * is left out, keeping what is wrong (the start) and what is valid (the end).
   */
  static final int MAX_MESSAGE_CHARS = 2_000;

  public ConfigError {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
    if (message.length() > MAX_MESSAGE_CHARS) {
      int head = MAX_MESSAGE_CHARS / 2;
      int tail = MAX_MESSAGE_CHARS / 4;
      message = message.substring(0, head) + "...(" + (message.length() - head - tail)
          + " characters left out)..." + message.substring(message.length() - tail);
    }
  }

  /** {@code source:line:column: message}. */
  @Override
  public String toString() {
    return location + ": " + message;
  }
}
