package dev.tapio.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Read access to one component's section of the configuration, handed to
 * {@link dev.tapio.component.ComponentFactory#readConfig(ConfigReader)}.
 *
 * <p>Every getter takes the key and the value to use when the key is absent, and returns that
 * default when the value present is of the wrong type; the problem is then recorded with the
 * file, line and column of the value and reported together with every other problem of the
 * configuration. Keys that no getter asked for are reported as unknown, with a suggestion drawn
 * from the keys that were asked for. A factory therefore reads every key it supports, always,
 * and never needs to check presence for validation.
 *
 * <p>Sizes accept a plain number of bytes or a number with a unit: {@code B, KB, MB, GB, KiB,
 * MiB, GiB} (case-insensitive). Durations accept Go-style strings such as {@code 200ms},
 * {@code 5s}, {@code 1m30s}, {@code 1h}; a bare {@code 0} means zero.
 *
 * <p>Not thread-safe: used by one thread while the configuration is read.
 */
public interface ConfigReader extends ConfigProblems {

  /** True when the key is present in this section (even with a null value). */
  boolean has(String key);

  /** The keys present in this section, in file order. Does not mark them as read. */
  List<String> keys();

  /**
   * Whether the value at the key is a list whose first item is a map, for keys that take either
   * a list of strings or a list of sections (the transform processor's statements, in their flat
   * and their grouped form). False when absent. Does not mark the key as read.
   */
  default boolean holdsSectionList(String key) {
    return false;
  }

  /**
   * Whether the value at the key is a map, for keys that take either a map or a list (the
   * Collector's older form of a key and Tapio's). False when absent. Does not mark the key as
   * read.
   */
  default boolean holdsSection(String key) {
    return false;
  }

  String string(String key, String defaultValue);

  /**
   * The scalar at the key with its YAML type: a {@code String}, {@code Long}, {@code Double} or
   * {@code Boolean} (quoted text is always a string), for keys that take a value of any type,
   * such as the attributes processor's {@code value}. Null when absent or null; a map or a list
   * is reported as an error. The default reads it as a string.
   */
  default Object scalar(String key) {
    return string(key, null);
  }

  boolean bool(String key, boolean defaultValue);

  int integer(String key, int defaultValue);

  long longValue(String key, long defaultValue);

  double number(String key, double defaultValue);

  Duration duration(String key, Duration defaultValue);

  /** A size in bytes, from {@code 4096}, {@code "512MiB"} or {@code "1GB"}. */
  long bytes(String key, long defaultValue);

  /** A value that must name one of the constants, compared case-insensitively. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue);

  List<String> stringList(String key, List<String> defaultValue);

  /** A map of string to scalar, values rendered as strings (e.g. headers, attributes). */
  Map<String, String> stringMap(String key, Map<String, String> defaultValue);

  /** A nested section; an absent or null key gives an empty section. */
  ConfigReader section(String key);

  /** A list of nested sections (e.g. a list of conditions); absent gives an empty list. */
  List<ConfigReader> sectionList(String key);
}
