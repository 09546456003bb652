package dev.tapio.engine.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is invalid. Carries every problem found, not only the first, so that a user
 * fixes a file in one round; {@link #getMessage()} lists them one per line, sorted by source, line
 * and column. Warnings found on the way (an unset environment variable often explains an error)
 * are in {@link #warnings()} and not part of the message.
 */
public final class ConfigException extends Exception {

  private final List<ConfigError> errors;
  private final List<String> warnings;

  public ConfigException(List<ConfigError> errors) {
    this(errors, List.of());
  }

  public ConfigException(List<ConfigError> errors, List<String> warnings) {
    super(format(sorted(errors)));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = sorted(errors);
    this.warnings = List.copyOf(warnings);
  }

  /** Every error, sorted by source, line and column. */
  public List<ConfigError> errors() {
    return errors;
  }

  /** Warnings found before the load failed, each formatted as {@code location: message}. */
  public List<String> warnings() {
    return warnings;
  }

  private static List<ConfigError> sorted(List<ConfigError> errors) {
    List<ConfigError> copy = new ArrayList<>(errors);
    // Stable sort: errors at the same position keep the order in which they were found.
    copy.sort(Comparator.comparing(ConfigError::location));
    return List.copyOf(copy);
  }

  private static String format(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }
}
