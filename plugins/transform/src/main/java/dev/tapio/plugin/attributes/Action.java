package dev.tapio.plugin.attributes;

import dev.tapio.config.ConfigReader;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One action of the {@code attributes} and {@code resource} processors, as the Collector
 * defines them: {@code insert}, {@code update}, {@code upsert} (value or from_attribute),
 * {@code delete} and {@code hash} (key or pattern over keys), {@code extract} (named groups of a
 * pattern over the value of key) and {@code convert} (to int, double or string).
 *
 * <p>Immutable; {@link #apply} takes the reusable {@link Matcher} of the caller ({@link Actions}
 * keeps one per action and processor instance).
 *
 * @param key the attribute acted on (null when {@code pattern} selects keys)
 * @param action what to do
 * @param value the literal value for insert/update/upsert: String, Long, Double or Boolean
 * @param fromAttribute the attribute whose value insert/update/upsert copy
 * @param pattern a regex over keys (delete, hash) or over the value of key (extract)
 * @param groupNames for extract, the attribute each numbered group of the pattern goes to
 * @param convertedType for convert: int, double or string
 */
public record Action(String key, Kind action, Object value, String fromAttribute,
    Pattern pattern, List<String> groupNames, String convertedType) {

  /**
   * Why the Collector's {@code default_value} of an action is refused, for the factories'
   * {@code unsupportedKeys()}.
   */
  public static final String DEFAULT_VALUE_UNSUPPORTED = "follow the action with an insert of"
      + " the default value: insert sets the key only where it is still absent";

  /** The actions. */
  public enum Kind { INSERT, UPDATE, UPSERT, DELETE, HASH, EXTRACT, CONVERT }

  public Action {
    Objects.requireNonNull(action, "action");
    groupNames = groupNames == null ? List.of() : List.copyOf(groupNames);
  }

  /**
   * Reads the list at {@code listKey} ({@code actions} or {@code attributes}); problems are
   * reported at the action's own keys and the action is left out.
   */
  public static List<Action> readAll(ConfigReader reader, String listKey) {
    List<Action> out = new ArrayList<>();
    for (ConfigReader a : reader.sectionList(listKey)) {
      Action action = read(a);
      if (action != null) {
        out.add(action);
      }
    }
    return out;
  }

  private static Action read(ConfigReader a) {
    String key = a.string("key", null);
    String actionName = a.string("action", "");
    Object value = a.scalar("value");
    boolean hasValue = a.has("value");
    String from = a.string("from_attribute", null);
    String patternText = a.string("pattern", null);
    String converted = a.string("converted_type", null);
    if (a.has("from_context")) {
      a.error("from_context", "is not supported yet: Tapio has no client metadata or auth"
          + " context to read it from; use value or from_attribute");
      return null;
    }
    Kind kind;
    try {
      kind = Kind.valueOf(actionName.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      a.error(actionName.isEmpty() ? "" : "action", (actionName.isEmpty()
          ? "an action needs 'action'" : "'" + actionName + "' is not an action")
          + ": use insert, update, upsert, delete, hash, extract or convert");
      return null;
    }
    Pattern pattern = null;
    List<String> groups = List.of();
    if (patternText != null) {
      if (kind != Kind.DELETE && kind != Kind.HASH && kind != Kind.EXTRACT) {
        a.error("pattern", "is used only by delete, hash and extract");
        return null;
      }
      groups = new ArrayList<>();
      String javaPattern = kind == Kind.EXTRACT ? namedGroups(patternText, groups) : patternText;
      try {
        pattern = Pattern.compile(javaPattern);
      } catch (PatternSyntaxException e) {
        a.error("pattern", "invalid regular expression: " + e.getDescription()
            + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        return null;
      }
    }
    switch (kind) {
      case INSERT, UPDATE, UPSERT -> {
        if (key == null || key.isEmpty()) {
          a.error("", kind.name().toLowerCase(Locale.ROOT) + " needs 'key'");
          return null;
        }
        if (hasValue == (from != null)) {
          a.error(hasValue ? "from_attribute" : "", kind.name().toLowerCase(Locale.ROOT)
              + " needs exactly one of value and from_attribute");
          return null;
        }
        if (hasValue && value == null) {
          a.error("value", "must not be null");
          return null;
        }
      }
      case DELETE, HASH -> {
        if ((key == null) == (pattern == null)) {
          a.error("", kind.name().toLowerCase(Locale.ROOT)
              + " needs exactly one of key and pattern");
          return null;
        }
      }
      case EXTRACT -> {
        if (key == null || pattern == null) {
          a.error("", "extract needs key and a pattern with named groups");
          return null;
        }
        if (groups.isEmpty()) {
          a.error("pattern", "extract needs named groups such as (?P<name>...) in the pattern");
          return null;
        }
      }
      case CONVERT -> {
        if (key == null) {
          a.error("", "convert needs 'key'");
          return null;
        }
        if (!"int".equals(converted) && !"double".equals(converted)
            && !"string".equals(converted)) {
          a.error(converted == null ? "" : "converted_type", "convert needs converted_type:"
              + " int, double or string");
          return null;
        }
      }
    }
    return new Action(key, kind, value, from, pattern, groups, converted);
  }

  /**
   * Go's named groups ({@code (?P<name>...)} or {@code (?<name>...)}, names with '_') as
   * Java-safe numbered names {@code g1, g2...}; {@code names} receives the original names.
   */
  static String namedGroups(String pattern, List<String> names) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.append(c).append(pattern.charAt(i + 1));
        i += 2;
        continue;
      }
      int open = pattern.startsWith("(?P<", i) ? 4 : pattern.startsWith("(?<", i)
          && i + 3 < pattern.length() && pattern.charAt(i + 3) != '=' && pattern.charAt(i + 3)
          != '!' ? 3 : 0;
      int close = open > 0 ? pattern.indexOf('>', i + open) : -1;
      if (close > 0) {
        names.add(pattern.substring(i + open, close));
        out.append("(?<g").append(names.size()).append('>');
        i = close + 1;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** Applies the action to one attribute list. */
  public void apply(Attributes a, Matcher matcher) {
    switch (action) {
      case INSERT -> {
        if (!a.contains(key)) {
          put(a);
        }
      }
      case UPDATE -> {
        if (a.contains(key)) {
          put(a);
        }
      }
      case UPSERT -> put(a);
      case DELETE -> {
        if (key != null) {
          a.remove(key);
        } else {
          for (int i = a.size() - 1; i >= 0; i--) {
            if (matcher.reset(a.key(i)).find()) {
              a.remove(a.key(i));
            }
          }
        }
      }
      case HASH -> {
        if (key != null) {
          hash(a, a.indexOf(key));
        } else {
          for (int i = 0; i < a.size(); i++) {
            if (matcher.reset(a.key(i)).find()) {
              hash(a, i);
            }
          }
        }
      }
      case EXTRACT -> {
        String s = a.getString(key);
        if (s != null && matcher.reset(s).find()) {
          for (int g = 0; g < groupNames.size(); g++) {
            String v = matcher.group("g" + (g + 1));
            if (v != null) {
              a.putString(groupNames.get(g), v);
            }
          }
        }
      }
      case CONVERT -> convert(a);
    }
  }

  private void put(Attributes a) {
    if (fromAttribute != null) {
      AnyValue v = a.get(fromAttribute);
      if (v != null) {
        a.put(key, v);
      }
      return;
    }
    switch (value) {
      case String s -> a.putString(key, s);
      case Long l -> a.putLong(key, l);
      case Double d -> a.putDouble(key, d);
      case Boolean b -> a.putBool(key, b);
      default -> a.putString(key, String.valueOf(value));
    }
  }

  private static void hash(Attributes a, int i) {
    if (i < 0) {
      return;
    }
    String text = a.type(i) == ValueType.STRING ? a.stringAt(i) : a.valueAt(i).toString();
    a.putString(a.key(i), sha256(text));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void convert(Attributes a) {
    int i = a.indexOf(key);
    if (i < 0) {
      return;
    }
    ValueType t = a.type(i);
    switch (convertedType) {
      case "string" -> {
        if (t != ValueType.STRING) {
          a.putString(key, t == ValueType.LONG ? Long.toString(a.longAt(i))
              : t == ValueType.DOUBLE ? Double.toString(a.doubleAt(i))
              : t == ValueType.BOOL ? Boolean.toString(a.boolAt(i)) : a.valueAt(i).toString());
        }
      }
      case "int" -> {
        switch (t) {
          case DOUBLE -> a.putLong(key, (long) a.doubleAt(i));
          case BOOL -> a.putLong(key, a.boolAt(i) ? 1 : 0);
          case STRING -> {
            try {
              a.putLong(key, Long.parseLong(a.stringAt(i).trim()));
            } catch (NumberFormatException e) {
              // left as it is, as the Collector does
            }
          }
          default -> {
          }
        }
      }
      default -> {
        switch (t) {
          case LONG -> a.putDouble(key, a.longAt(i));
          case BOOL -> a.putDouble(key, a.boolAt(i) ? 1 : 0);
          case STRING -> {
            try {
              a.putDouble(key, Double.parseDouble(a.stringAt(i).trim()));
            } catch (NumberFormatException e) {
              // left as it is, as the Collector does
            }
          }
          default -> {
          }
        }
      }
    }
  }
}
