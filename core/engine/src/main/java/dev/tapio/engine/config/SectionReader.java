package dev.tapio.engine.config;

import dev.tapio.config.ConfigReader;
import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.ListNode;
import dev.tapio.engine.config.ConfigNode.MapNode;
import dev.tapio.engine.config.ConfigNode.Scalar;
import dev.tapio.engine.config.ConfigNode.ScalarType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * {@link ConfigReader} over one map of the tree: a component's section, a nested section of it,
 * or one of the engine's own sections. Every getter, and {@link #has(String)}, marks its key as
 * known (a factory that asks about a key knows it); {@link
 * #reportUnknownKeys()} then reports the keys nobody asked for, recursively through the sections
 * handed out, with a suggestion among the known ones. Wrong types are recorded with the value's
 * location and the default is returned, so that a factory can read on and every problem is
 * reported at once. Messages show a value's display text, never an environment value.
 *
 * <p>Not thread-safe; used by the loading thread once per load.
 */
final class SectionReader implements ConfigReader {

  /** Resolves text as a plain YAML scalar would be, to tell a user to drop needless quotes. */
  private static final ScalarResolver PLAIN = new CoreScalarResolver(true);

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final MapNode map;
  private final Location location;
  private final String owner;
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();
  private final Map<String, SectionReader> sections = new HashMap<>();
  private final Map<String, List<SectionReader>> sectionLists = new HashMap<>();

  /**
   * @param location where the section is named (its key), the location of problems with the
   *     section as a whole and with absent keys
   * @param owner what messages say the keys belong to, e.g. {@code processor 'batch'}; empty
   *     for the top level
   * @param path the dotted path of this section below the owner, empty for the owner's own
   */
  SectionReader(MapNode map, Location location, String owner, String path, Problems problems) {
    this.map = map;
    this.location = location;
    this.owner = owner;
    this.path = path;
    this.problems = problems;
  }

  // ---- ConfigReader ----

  @Override
  public boolean has(String key) {
    known.add(key);
    return map.entry(key) != null;
  }

  @Override
  public boolean holdsSectionList(String key) {
    Entry entry = map.entry(key);
    return entry != null && entry.value() instanceof ListNode list && !list.items().isEmpty()
        && list.items().getFirst() instanceof MapNode;
  }

  @Override
  public boolean holdsSection(String key) {
    Entry entry = map.entry(key);
    return entry != null && entry.value() instanceof MapNode;
  }

  @Override
  public List<String> keys() {
    return List.copyOf(map.entries().keySet());
  }

  @Override
  public String string(String key, String defaultValue) {
    Scalar s = scalar(key, "a string");
    return s == null ? defaultValue : s.value();
  }

  @Override
  public Object scalar(String key) {
    Scalar s = scalar(key, "a string, number or boolean");
    if (s == null) {
      return null;
    }
    try {
      return switch (s.type()) {
        case BOOL -> Boolean.parseBoolean(s.value().toLowerCase(Locale.ROOT));
        case INT -> {
          String v = s.value();
          yield v.startsWith("0x") ? Long.parseLong(v.substring(2), 16)
              : v.startsWith("0o") ? Long.parseLong(v.substring(2), 8) : Long.parseLong(v);
        }
        case FLOAT -> Double.parseDouble(s.value());
        default -> s.value();
      };
    } catch (NumberFormatException e) {
      return s.value(); // beyond a long or in a form Java does not parse: kept as written
    }
  }

  @Override
  public boolean bool(String key, boolean defaultValue) {
    Scalar s = scalar(key, "true or false");
    if (s == null) {
      return defaultValue;
    }
    if (s.type() != ScalarType.BOOL) {
      invalid(key, s,
          "expected true or false, got " + s.describe() + quoteHint(s, ScalarType.BOOL));
      return defaultValue;
    }
    return s.value().equalsIgnoreCase("true");
  }

  @Override
  public int integer(String key, int defaultValue) {
    BigInteger value = integerValue(key, INT_MIN, INT_MAX);
    return value == null ? defaultValue : value.intValueExact();
  }

  @Override
  public long longValue(String key, long defaultValue) {
    BigInteger value = integerValue(key, LONG_MIN, LONG_MAX);
    return value == null ? defaultValue : value.longValueExact();
  }

  @Override
  public double number(String key, double defaultValue) {
    Scalar s = scalar(key, "a number");
    if (s == null) {
      return defaultValue;
    }
    return switch (s.type()) {
      case INT -> parseInteger(s.value()).doubleValue();
      case FLOAT -> parseFloat(s.value());
      default -> {
        invalid(key, s, "expected a number, got " + s.describe() + quoteHint(s, ScalarType.FLOAT,
            ScalarType.INT));
        yield defaultValue;
      }
    };
  }

  @Override
  public Duration duration(String key, Duration defaultValue) {
    Scalar s = scalar(key, "a duration");
    if (s == null) {
      return defaultValue;
    }
    try {
      return Durations.parse(s.value());
    } catch (IllegalArgumentException e) {
      invalid(key, s, "invalid duration '" + s.display() + "': " + e.getMessage());
      return defaultValue;
    }
  }

  @Override
  public long bytes(String key, long defaultValue) {
    Scalar s = scalar(key, "a size");
    if (s == null) {
      return defaultValue;
    }
    try {
      return Sizes.parse(s.value());
    } catch (IllegalArgumentException e) {
      invalid(key, s, "invalid size '" + s.display() + "': " + e.getMessage());
      return defaultValue;
    }
  }

  @Override
  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    Scalar s = scalar(key, "a value");
    if (s == null) {
      return defaultValue;
    }
    E[] constants = type.getEnumConstants();
    for (E constant : constants) {
      if (constant.name().equalsIgnoreCase(s.value())) {
        return constant;
      }
    }
    List<String> valid = Arrays.stream(constants)
        .map(c -> c.name().toLowerCase(Locale.ROOT))
        .toList();
    // No suggestion for a secret: it would hint at what the value is.
    String hint = s.fromEnv()
        ? "; valid values: " + Suggestions.list(valid)
        : Suggestions.hint(s.value(), valid, "valid values");
    invalid(key, s, "invalid value " + s.describe() + hint);
    return defaultValue;
  }

  @Override
  public List<String> stringList(String key, List<String> defaultValue) {
    ConfigNode node = take(key);
    if (node == null || isNull(node)) {
      return defaultValue;
    }
    if (!(node instanceof ListNode list)) {
      invalid(key, node, "expected a list of strings, got " + node.describe());
      return defaultValue;
    }
    List<String> values = new ArrayList<>();
    boolean valid = true;
    for (int i = 0; i < list.items().size(); i++) {
      ConfigNode item = list.items().get(i);
      if (item instanceof Scalar s && !s.isNull()) {
        values.add(s.value());
      } else {
        invalid(key + "." + i, item, "expected a string, got " + item.describe());
        valid = false;
      }
    }
    return valid ? List.copyOf(values) : defaultValue;
  }

  @Override
  public Map<String, String> stringMap(String key, Map<String, String> defaultValue) {
    ConfigNode node = take(key);
    if (node == null || isNull(node)) {
      return defaultValue;
    }
    if (!(node instanceof MapNode nested)) {
      invalid(key, node, "expected a map of strings, got " + node.describe());
      return defaultValue;
    }
    Map<String, String> values = new LinkedHashMap<>();
    boolean valid = true;
    for (Entry entry : nested.entries().values()) {
      if (entry.value() instanceof Scalar s) {
        values.put(entry.key(), s.isNull() ? "" : s.value());
      } else {
        problems.error(entry.keyLocation(), prefix(full(key) + "." + entry.key())
            + "expected a string, got " + entry.value().describe());
        valid = false;
      }
    }
    return valid ? Collections.unmodifiableMap(values) : defaultValue;
  }

  @Override
  public ConfigReader section(String key) {
    return child(key);
  }

  @Override
  public List<ConfigReader> sectionList(String key) {
    return List.copyOf(children(key));
  }

  /** Reports a problem found by the component; its text may quote secrets, so it is scrubbed. */
  @Override
  public void error(String key, String message) {
    problems.error(locate(key), prefix(full(key)) + problems.scrub(message));
  }

  /**
   * Reports a problem at a character of the string at {@code key}: at that character's own line
   * and column when the value is written as a plain, quoted or literal block scalar that did not
   * come from the environment ({@link ValuePosition}), else at the value.
   */
  @Override
  public void error(String key, int offset, String message) {
    Walk w = walk(key);
    Location at = locate(key);
    Location exact = null;
    if (w.complete() && w.node() instanceof Scalar s && !s.isNull() && !s.fromEnv()) {
      exact = ValuePosition.of(problems.text(at.source()), at, offset);
    }
    problems.error(exact != null ? exact : at, prefix(full(key)) + problems.scrub(message));
  }

  /** Reports a risk found by the component, located and scrubbed as {@link #error}. */
  @Override
  public void warning(String key, String message) {
    problems.warn(locate(key), prefix(full(key)) + problems.scrub(message));
  }

  // ---- for the loader ----

  /** {@link #section(String)} with the concrete type. */
  SectionReader child(String key) {
    SectionReader cached = sections.get(key);
    if (cached != null) {
      return cached;
    }
    Entry entry = map.entry(key);
    ConfigNode node = take(key);
    Location at = entry == null ? location : entry.keyLocation();
    MapNode nested;
    if (node instanceof MapNode m) {
      nested = m;
    } else {
      if (node != null && !isNull(node)) {
        invalid(key, node, "expected a map, got " + node.describe());
      }
      nested = MapNode.empty(at);
    }
    SectionReader child = new SectionReader(nested, at, owner, full(key), problems);
    sections.put(key, child);
    return child;
  }

  /** {@link #sectionList(String)} with the concrete type. */
  List<SectionReader> children(String key) {
    List<SectionReader> cached = sectionLists.get(key);
    if (cached != null) {
      return cached;
    }
    ConfigNode node = take(key);
    List<SectionReader> children = new ArrayList<>();
    if (node instanceof ListNode list) {
      for (int i = 0; i < list.items().size(); i++) {
        ConfigNode item = list.items().get(i);
        String itemPath = full(key) + "." + i;
        if (item instanceof MapNode m) {
          children.add(new SectionReader(m, item.location(), owner, itemPath, problems));
        } else if (isNull(item)) {
          children.add(new SectionReader(
              MapNode.empty(item.location()), item.location(), owner, itemPath, problems));
        } else {
          invalid(key + "." + i, item, "expected a map, got " + item.describe());
        }
      }
    } else if (node != null && !isNull(node)) {
      invalid(key, node, "expected a list of maps, got " + node.describe());
    }
    sectionLists.put(key, List.copyOf(children));
    return sectionLists.get(key);
  }

  /** The node at the key, marking the key as known; null when absent. */
  ConfigNode take(String key) {
    known.add(key);
    Entry entry = map.entry(key);
    return entry == null ? null : entry.value();
  }

  /** The entry at the key, marking the key as known; null when absent. */
  Entry entry(String key) {
    known.add(key);
    return map.entry(key);
  }

  /** Where the section is named; problems with the section as a whole go there. */
  Location location() {
    return location;
  }

  /** Records a problem found by the engine itself with the value at this key. */
  void invalid(String key, ConfigNode node, String message) {
    problems.error(locate(key, node), prefix(full(key)) + message);
  }

  /** Reports every key that no getter asked for, here and in the sections handed out. */
  void reportUnknownKeys() {
    reportUnknownKeys(Map.of());
  }

  /**
   * Reports every key that no getter asked for, here and in the sections handed out; those in
   * {@code unsupported} (see {@link dev.tapio.component.ComponentFactory#unsupportedKeys()}) as
   * not supported yet, with their reason.
   */
  void reportUnknownKeys(Map<String, String> unsupported) {
    List<String> valid = known.stream().sorted().toList();
    for (Entry entry : map.entries().values()) {
      if (!known.contains(entry.key())) {
        String full = full(entry.key());
        String reason = unsupportedReason(unsupported, listItemsAsBrackets(full));
        if (reason != null) {
          problems.error(entry.keyLocation(), prefix(full) + "is not supported yet"
              + (reason.isEmpty() ? "" : ": " + reason));
          continue;
        }
        String what = owner.isEmpty()
            ? "unknown top-level key '" + entry.key() + "'"
            : "unknown key '" + full + "' for " + owner;
        problems.error(entry.keyLocation(),
            what + Suggestions.hint(entry.key(), valid, "valid keys"));
      }
    }
    sections.values().forEach(r -> r.reportUnknownKeys(unsupported));
    sectionLists.values().forEach(list -> list.forEach(r -> r.reportUnknownKeys(unsupported)));
  }

  /**
   * The reason {@code key} is not supported yet: its own, or that of a key below it (a section
   * nobody reads holds only keys not supported yet); null when it is simply unknown.
   */
  private static String unsupportedReason(Map<String, String> unsupported, String key) {
    String own = unsupported.get(key);
    if (own != null || unsupported.isEmpty()) {
      return own;
    }
    for (Map.Entry<String, String> e : unsupported.entrySet()) {
      if (e.getKey().startsWith(key + ".") || e.getKey().startsWith(key + "[]")) {
        return e.getValue();
      }
    }
    return null;
  }

  /** {@code actions.0.default_value} as {@code actions[].default_value}. */
  static String listItemsAsBrackets(String dotted) {
    StringBuilder out = new StringBuilder(dotted.length());
    for (String part : dotted.split("\\.", -1)) {
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit) && !out.isEmpty()) {
        out.append("[]");
      } else {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(part);
      }
    }
    return out.toString();
  }

  /**
   * The location for a problem at a dotted key below this section: a scalar's own position, a
   * map's or list's key (its first child would be misleading), or, when the key is absent, the
   * nearest enclosing node that exists. Map keys may contain dots, so the longest matching key
   * wins at each level; list items are addressed by index.
   */
  Location locate(String dotted) {
    Walk w = walk(dotted);
    return w.complete() && w.node() instanceof Scalar s && !s.isNull() ? s.location() : w.best();
  }

  /** Where {@link #walk} stopped: the node reached, the best location so far, and whether the
   * whole key was found. */
  private record Walk(ConfigNode node, Location best, boolean complete) {}

  private Walk walk(String dotted) {
    Location best = location;
    ConfigNode node = map;
    String rest = dotted;
    while (!rest.isEmpty()) {
      switch (node) {
        case MapNode m -> {
          Entry found = null;
          int end = rest.length();
          while (end > 0) {
            found = m.entry(rest.substring(0, end));
            if (found != null) {
              break;
            }
            end = rest.lastIndexOf('.', end - 1);
          }
          if (found == null) {
            return new Walk(node, best, false);
          }
          best = found.keyLocation();
          node = found.value();
          rest = end >= rest.length() ? "" : rest.substring(end + 1);
        }
        case ListNode list -> {
          int dot = rest.indexOf('.');
          String segment = dot < 0 ? rest : rest.substring(0, dot);
          int index;
          try {
            index = Integer.parseInt(segment);
          } catch (NumberFormatException e) {
            return new Walk(node, best, false);
          }
          if (index < 0 || index >= list.items().size()) {
            return new Walk(node, best, false);
          }
          node = list.items().get(index);
          best = node.location();
          rest = dot < 0 ? "" : rest.substring(dot + 1);
        }
        case Scalar s -> {
          return new Walk(node, best, false);
        }
      }
    }
    return new Walk(node, best, true);
  }

  // ---- helpers ----

  private Location locate(String key, ConfigNode node) {
    return node instanceof Scalar s && !s.isNull() ? s.location() : locate(key);
  }

  /** The key's scalar, or null when absent or null (the caller returns its default). */
  private Scalar scalar(String key, String expected) {
    ConfigNode node = take(key);
    if (node == null) {
      return null;
    }
    if (node instanceof Scalar s) {
      return s.isNull() ? null : s;
    }
    invalid(key, node, "expected " + expected + ", got " + node.describe());
    return null;
  }

  private BigInteger integerValue(String key, BigInteger min, BigInteger max) {
    Scalar s = scalar(key, "an integer");
    if (s == null) {
      return null;
    }
    if (s.type() != ScalarType.INT) {
      invalid(key, s, "expected an integer, got " + s.describe() + quoteHint(s, ScalarType.INT));
      return null;
    }
    BigInteger value = parseInteger(s.value());
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      invalid(key, s, "value " + s.describe() + " is out of range; must be between " + min
          + " and " + max);
      return null;
    }
    return value;
  }

  /** Parses the core schema's integer forms: decimal with sign, {@code 0o17}, {@code 0x1F}. */
  private static BigInteger parseInteger(String text) {
    String t = text.strip();
    if (t.startsWith("0x")) {
      return new BigInteger(t.substring(2), 16);
    }
    if (t.startsWith("0o")) {
      return new BigInteger(t.substring(2), 8);
    }
    return new BigInteger(t.startsWith("+") ? t.substring(1) : t);
  }

  private static double parseFloat(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
      case "-.inf" -> Double.NEGATIVE_INFINITY;
      case ".nan" -> Double.NaN;
      default -> Double.parseDouble(t);
    };
  }

  /** A hint when a quoted string would have had the wanted type written plain. */
  private static String quoteHint(Scalar s, ScalarType... wanted) {
    if (s.type() != ScalarType.STRING || s.fromEnv()) {
      return "";
    }
    ScalarType plain = YamlParser.typeOf(PLAIN.resolve(s.value(), true));
    return Arrays.asList(wanted).contains(plain) ? "; write it without quotes" : "";
  }

  private static boolean isNull(ConfigNode node) {
    return node instanceof Scalar s && s.isNull();
  }

  private String full(String key) {
    if (path.isEmpty()) {
      return key;
    }
    return key.isEmpty() ? path : path + "." + key;
  }

  /** {@code receiver 'otlp', key 'protocols.grpc': } or {@code receiver 'otlp': }. */
  private String prefix(String fullKey) {
    if (owner.isEmpty()) {
      return fullKey.isEmpty() ? "" : "key '" + fullKey + "': ";
    }
    return fullKey.isEmpty() ? owner + ": " : owner + ", key '" + fullKey + "': ";
  }
}
