package dev.tapio.plugin.file;

import dev.tapio.config.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link ConfigReader} over nested maps, for testing {@code readConfig}: records problems and
 * which keys were read, so a test can check that every key it wrote is understood. Durations are
 * given as {@link Duration}s and sizes as numbers; values of the wrong type are problems, as in
 * the engine.
 */
final class MapConfigReader implements ConfigReader {
  private final String prefix;
  private final Map<String, ?> values;
  private final List<String> problems;
  private final Set<String> read;
  private final Set<String> sections;

  MapConfigReader(Map<String, ?> values) {
    this("", values, new ArrayList<>(), new TreeSet<>(), new TreeSet<>());
  }

  private MapConfigReader(String prefix, Map<String, ?> values, List<String> problems,
      Set<String> read, Set<String> sections) {
    this.prefix = prefix;
    this.values = values;
    this.problems = problems;
    this.read = read;
    this.sections = sections;
  }

  /** Every problem reported, as {@code key: message}. */
  List<String> problems() {
    return problems;
  }

  /** Dotted paths of keys present but never read. */
  List<String> unread() {
    List<String> out = new ArrayList<>();
    for (var e : values.entrySet()) {
      String path = prefix + e.getKey();
      if (sections.contains(path) && e.getValue() instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, ?> section = (Map<String, ?>) m;
        out.addAll(new MapConfigReader(path + ".", section, problems, read, sections).unread());
      } else if (!read.contains(path)) {
        out.add(path);
      }
    }
    return out;
  }

  @Override
  public void error(String key, String message) {
    problems.add(prefix + key + ": " + message);
  }

  @Override
  public boolean has(String key) {
    return values.containsKey(key);
  }

  @Override
  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  private Object get(String key) {
    read.add(prefix + key);
    return values.get(key);
  }

  private <T> T typed(String key, Class<T> type, T defaultValue) {
    Object v = get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!type.isInstance(v)) {
      error(key, "expected " + type.getSimpleName() + ", got " + v);
      return defaultValue;
    }
    return type.cast(v);
  }

  @Override
  public String string(String key, String defaultValue) {
    return typed(key, String.class, defaultValue);
  }

  @Override
  public boolean bool(String key, boolean defaultValue) {
    return typed(key, Boolean.class, defaultValue);
  }

  @Override
  public int integer(String key, int defaultValue) {
    return typed(key, Number.class, defaultValue).intValue();
  }

  @Override
  public long longValue(String key, long defaultValue) {
    return typed(key, Number.class, defaultValue).longValue();
  }

  @Override
  public double number(String key, double defaultValue) {
    return typed(key, Number.class, defaultValue).doubleValue();
  }

  @Override
  public Duration duration(String key, Duration defaultValue) {
    return typed(key, Duration.class, defaultValue);
  }

  @Override
  public long bytes(String key, long defaultValue) {
    return typed(key, Number.class, defaultValue).longValue();
  }

  @Override
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    String s = typed(key, String.class, null);
    if (s == null) {
      return defaultValue;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    error(key, "unknown value " + s);
    return defaultValue;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> stringList(String key, List<String> defaultValue) {
    return typed(key, List.class, defaultValue);
  }

  @Override
  public Map<String, String> stringMap(String key, Map<String, String> defaultValue) {
    Map<?, ?> m = typed(key, Map.class, null);
    if (m == null) {
      return defaultValue;
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public ConfigReader section(String key) {
    Map<String, ?> m = typed(key, Map.class, Map.of());
    sections.add(prefix + key);
    return new MapConfigReader(prefix + key + ".", m, problems, read, sections);
  }

  @Override
  public List<ConfigReader> sectionList(String key) {
    throw new UnsupportedOperationException("not needed by these tests");
  }
}
