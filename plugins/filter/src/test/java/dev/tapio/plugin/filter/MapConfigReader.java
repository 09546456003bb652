package dev.tapio.plugin.filter;

import dev.tapio.config.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A ConfigReader over parsed YAML-like maps, for tests. Problems are collected as
 * {@code "full.dotted.key: message"}, a nested reader prefixing its path ({@code logs.exclude.0})
 * to the keys it reports, as the engine's reader places them. Only the getters this module uses
 * are implemented; scalars read as strings are rendered as text.
 */
final class MapConfigReader implements ConfigReader {
  private final Map<String, ?> values;
  private final String path;
  private final List<String> problems;

  MapConfigReader(Map<String, ?> values) {
    this(values, "", new ArrayList<>());
  }

  private MapConfigReader(Map<String, ?> values, String path, List<String> problems) {
    this.values = values;
    this.path = path;
    this.problems = problems;
  }

  List<String> problems() {
    return problems;
  }

  private String full(String key) {
    return path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
  }

  @Override
  public void error(String key, String message) {
    problems.add(full(key) + ": " + message);
  }

  @Override
  public boolean has(String key) {
    return values.containsKey(key);
  }

  @Override
  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  @Override
  public String string(String key, String defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : v.toString();
  }

  @Override
  @SuppressWarnings("unchecked")
  public ConfigReader section(String key) {
    Object v = values.get(key);
    return new MapConfigReader(v == null ? Map.of() : (Map<String, ?>) v, full(key), problems);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ConfigReader> sectionList(String key) {
    Object v = values.get(key);
    List<ConfigReader> out = new ArrayList<>();
    if (v != null) {
      List<Map<String, ?>> list = (List<Map<String, ?>>) v;
      for (int i = 0; i < list.size(); i++) {
        out.add(new MapConfigReader(list.get(i), full(key) + "." + i, problems));
      }
    }
    return out;
  }

  @Override
  public boolean bool(String key, boolean defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int integer(String key, int defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long longValue(String key, long defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public double number(String key, double defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Duration duration(String key, Duration defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long bytes(String key, long defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> stringList(String key, List<String> defaultValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, String> stringMap(String key, Map<String, String> defaultValue) {
    throw new UnsupportedOperationException();
  }
}
