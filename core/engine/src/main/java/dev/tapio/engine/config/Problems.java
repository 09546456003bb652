package dev.tapio.engine.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the errors and warnings of one load so that all of them are reported together.
 * Not thread-safe; used once per load.
 */
final class Problems {

  private final List<ConfigError> errors = new ArrayList<>();
  private final List<ConfigError> warnings = new ArrayList<>();
  /** Environment values to hide, longest first so that a value inside another is not split. */
  private final Map<String, String> secrets =
      new TreeMap<>(Comparator.comparingInt(String::length).reversed()
          .thenComparing(Comparator.naturalOrder()));

  /**
   * Shorter values are not hidden in free text: they cannot carry a secret worth the name and
   * would mangle ordinary words and numbers ("valid range 1..10") in messages.
   */
  private static final int MIN_SECRET_LENGTH = 3;
  /** The text of each source read, by name, to place problems inside a value. */
  private final Map<String, String> texts = new HashMap<>();

  /** Keeps the text of a source, for {@link #text}. */
  void source(ConfigSource source) {
    texts.put(source.name(), source.text());
  }

  /** The text of the source of that name, or null when it was not read by this load. */
  String text(String sourceName) {
    return texts.get(sourceName);
  }

  void error(Location location, String message) {
    errors.add(new ConfigError(location, message));
  }

  void warn(Location location, String message) {
    warnings.add(new ConfigError(location, message));
  }

  /**
   * Records a value that came from outside the file ({@code from}: {@code env:NAME} or {@code
   * file:path}), to be shown as {@code <value of ${from}>}.
   */
  void secret(String value, String from) {
    if (value.length() >= MIN_SECRET_LENGTH) {
      secrets.putIfAbsent(value, "<value of ${" + from + "}>");
    }
  }

  /**
   * Hides environment values in text the loader did not compose (messages written by component
   * factories, exception messages), since that text may quote the values it was given.
   */
  String scrub(String text) {
    if (text == null) {
      return "";
    }
    String result = text;
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      result = result.replace(secret.getKey(), secret.getValue());
    }
    return result;
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<ConfigError> errors() {
    return List.copyOf(errors);
  }

  /** Formatted {@code location: message}, in the order found. */
  List<String> warnings() {
    return warnings.stream().map(ConfigError::toString).toList();
  }

  ConfigException exception() {
    return new ConfigException(errors, warnings());
  }
}
