package dev.tapio.engine.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration tree after parsing: maps, lists and scalars, each with the location it was
 * written at. Independent of snakeyaml so that merging and expansion build new trees freely and
 * keep each value's own source. Immutable.
 */
sealed interface ConfigNode {

  Location location();

  /** How messages describe this node when it has the wrong type: "a map", "'abc'", "null". */
  String describe();

  /** A map in file order. Keys are the scalar text of the YAML keys. */
  record MapNode(Location location, Map<String, Entry> entries) implements ConfigNode {

    public MapNode {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    static MapNode empty(Location location) {
      return new MapNode(location, Map.of());
    }

    Entry entry(String key) {
      return entries.get(key);
    }

    @Override
    public String describe() {
      return "a map";
    }
  }

  /** One key of a map: where the key was written and its value. */
  record Entry(String key, Location keyLocation, ConfigNode value) {}

  record ListNode(Location location, List<ConfigNode> items) implements ConfigNode {

    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar with its YAML type as resolved by the core schema (quoted text is always a string).
   *
   * @param value the text, after environment expansion
   * @param display what messages show: the value, with every part that came from the environment
   *     replaced by {@code <value of ${env:VAR}>}
   * @param fromEnv whether any part came from the environment, i.e. the value is a secret
   */
  record Scalar(Location location, ScalarType type, String value, String display, boolean fromEnv)
      implements ConfigNode {

    static Scalar of(Location location, ScalarType type, String value) {
      return new Scalar(location, type, value, value, false);
    }

    boolean isNull() {
      return type == ScalarType.NULL;
    }

    @Override
    public String describe() {
      return isNull() ? "null" : "'" + display + "'";
    }
  }

  enum ScalarType {
    NULL,
    BOOL,
    INT,
    FLOAT,
    STRING
  }
}
