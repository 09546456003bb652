package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Editor;
import dev.tapio.ottl.Eval.Getter;
import dev.tapio.ottl.Eval.MapTarget;
import dev.tapio.ottl.Eval.PathRef;
import dev.tapio.ottl.Eval.Setter;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The functions: converters (upper-case names, return a value) and editors (lower-case names,
 * change the record). Each is compiled from its arguments once; regexes are compiled then and
 * matched with one reusable {@link Matcher}, which is why a compiled statement is used by one
 * thread at a time.
 */
final class Functions {
  private Functions() {}

  /** Parameter names of each converter; the number required is the first value. */
  private static final Map<String, Signature> CONVERTERS = Map.ofEntries(
      sig("IsMatch", 2, "target", "pattern"),
      sig("Concat", 2, "vals", "delimiter"),
      sig("ParseJSON", 1, "target"),
      sig("IsString", 1, "value"),
      sig("IsInt", 1, "value"),
      sig("IsDouble", 1, "value"),
      sig("IsBool", 1, "value"),
      sig("IsMap", 1, "value"),
      sig("IsList", 1, "value"),
      sig("String", 1, "value"),
      sig("Int", 1, "value"),
      sig("Double", 1, "value"),
      sig("Len", 1, "target"),
      sig("ToLowerCase", 1, "target"),
      sig("ToUpperCase", 1, "target"),
      sig("Substring", 3, "target", "start", "length"),
      sig("HasPrefix", 2, "target", "prefix"),
      sig("HasSuffix", 2, "target", "suffix"),
      sig("SHA256", 1, "value"));

  private static final Map<String, Signature> EDITORS = Map.ofEntries(
      sig("set", 2, "target", "value"),
      sig("delete_key", 2, "target", "key"),
      sig("delete_matching_keys", 2, "target", "pattern"),
      sig("keep_keys", 2, "target", "keys"),
      sig("keep_matching_keys", 2, "target", "pattern"),
      sig("replace_pattern", 3, "target", "regex", "replacement", "function",
          "replacementFormat"),
      sig("replace_all_patterns", 4, "target", "mode", "regex", "replacement", "function",
          "replacementFormat"),
      sig("replace_match", 3, "target", "pattern", "replacement", "function",
          "replacementFormat"),
      sig("truncate_all", 2, "target", "limit"),
      sig("limit", 3, "target", "limit", "priority_keys"),
      sig("merge_maps", 3, "target", "source", "strategy"));

  /** Every function name, for the documentation and suggestions. */
  static Set<String> names() {
    Set<String> all = new TreeSet<>(CONVERTERS.keySet());
    all.addAll(EDITORS.keySet());
    return all;
  }

  record Signature(String name, int required, List<String> params) {}

  private static Map.Entry<String, Signature> sig(String name, int required, String... params) {
    return Map.entry(name, new Signature(name, required, List.of(params)));
  }

  static boolean isConverter(String name) {
    return CONVERTERS.containsKey(name);
  }

  /** The arguments of one call, bound to the function's parameters. */
  private static final class Args {
    final Compiler comp;
    final Ast.Call call;
    final Signature sig;
    final Ast.Arg[] bound;

    Args(Compiler comp, Ast.Call call, Signature sig) {
      this.comp = comp;
      this.call = call;
      this.sig = sig;
      this.bound = new Ast.Arg[sig.params().size()];
      int positional = 0;
      boolean named = false;
      for (Ast.Arg a : call.args()) {
        if (a.name() == null) {
          if (named) {
            throw comp.error(a.at(), "positional argument after a named one");
          }
          if (positional >= bound.length) {
            throw comp.error(a.at(), countMessage(call.args().size()));
          }
          bound[positional++] = a;
        } else {
          named = true;
          int i = sig.params().indexOf(a.name());
          if (i < 0) {
            throw comp.error(a.at(), sig.name() + " has no parameter '" + a.name() + "'"
                + Compiler.suggest(a.name(), sig.params()) + "; parameters: "
                + String.join(", ", sig.params()));
          }
          if (bound[i] != null) {
            throw comp.error(a.at(), "parameter '" + a.name() + "' given twice");
          }
          bound[i] = a;
        }
      }
      for (int i = 0; i < sig.required(); i++) {
        if (bound[i] == null) {
          throw comp.error(call.closeAt(), countMessage(call.args().size()) + " (missing '"
              + sig.params().get(i) + "')");
        }
      }
    }

    private String countMessage(int given) {
      int max = sig.params().size();
      String takes = sig.required() == max ? String.valueOf(max)
          : sig.required() + " to " + max;
      return sig.name() + " takes " + takes + " argument" + (max == 1 ? "" : "s") + " ("
          + String.join(", ", sig.params()) + "), got " + given;
    }

    boolean has(int i) {
      return bound[i] != null;
    }

    int at(int i) {
      return bound[i] != null ? bound[i].at() : call.closeAt();
    }

    Ast.Value ast(int i) {
      Ast v = bound[i].value();
      if (v instanceof Ast.Value value) {
        return value;
      }
      throw comp.error(at(i), "expected a value");
    }

    Getter getter(int i) {
      return comp.value(ast(i));
    }

    PathRef path(int i) {
      if (!(ast(i) instanceof Ast.Path p)) {
        throw comp.error(at(i), sig.name() + ": '" + sig.params().get(i)
            + "' must be a path such as attributes[\"key\"]");
      }
      return comp.path(p);
    }

    MapTarget mapPath(int i) {
      PathRef ref = path(i);
      if (ref.map() == null) {
        throw comp.error(at(i), sig.name() + ": '" + ref.text() + "' is not a map");
      }
      return ref.map();
    }

    String string(int i) {
      if (ast(i) instanceof Ast.Literal l && l.value() instanceof String s) {
        return s;
      }
      throw comp.error(at(i), sig.name() + ": '" + sig.params().get(i)
          + "' must be a string literal");
    }

    long integer(int i) {
      if (ast(i) instanceof Ast.Literal l && l.value() instanceof Long n) {
        return n;
      }
      throw comp.error(at(i), sig.name() + ": '" + sig.params().get(i)
          + "' must be an integer literal");
    }

    Pattern regex(int i) {
      String s = string(i);
      try {
        return Pattern.compile(s);
      } catch (PatternSyntaxException e) {
        throw comp.error(at(i), sig.name() + ": invalid regular expression: "
            + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
      }
    }

    List<String> strings(int i) {
      if (ast(i) instanceof Ast.ListValue list) {
        List<String> out = new ArrayList<>();
        for (Ast.Value v : list.items()) {
          if (!(v instanceof Ast.Literal l) || !(l.value() instanceof String s)) {
            throw comp.error(v.at(), sig.name() + ": '" + sig.params().get(i)
                + "' must be a list of string literals");
          }
          out.add(s);
        }
        return out;
      }
      throw comp.error(at(i), sig.name() + ": '" + sig.params().get(i)
          + "' must be a list of strings such as [\"a\", \"b\"]");
    }

    void unsupported(int i) {
      if (has(i)) {
        throw comp.error(at(i), sig.name() + ": parameter '" + sig.params().get(i)
            + "' is not supported yet");
      }
    }
  }

  private static Signature lookup(Compiler comp, Ast.Call call, boolean editor) {
    Map<String, Signature> own = editor ? EDITORS : CONVERTERS;
    Map<String, Signature> other = editor ? CONVERTERS : EDITORS;
    Signature sig = own.get(call.name());
    if (sig != null) {
      return sig;
    }
    if (other.containsKey(call.name())) {
      throw comp.error(call.at(), editor
          ? "'" + call.name() + "' is a converter (it returns a value); a statement starts with"
              + " an editor such as set(...)"
          : "'" + call.name() + "' is an editor: it cannot be used as a value");
    }
    throw comp.error(call.at(), "unknown function '" + call.name() + "'"
        + Compiler.suggest(call.name(), own.keySet()) + "; "
        + (editor ? "editors: " : "converters: ") + String.join(", ", new TreeSet<>(own.keySet())));
  }

  // ---- converters ----

  static PathRef converter(Compiler comp, Ast.Call call) {
    Signature sig = lookup(comp, call, false);
    Args a = new Args(comp, call, sig);
    Getter g = switch (sig.name()) {
      case "IsMatch" -> {
        Getter target = a.getter(0);
        Matcher m = a.regex(1).matcher("");
        yield c -> {
          String s = Values.text(target.get(c));
          return s != null && m.reset(s).find();
        };
      }
      case "Concat" -> {
        if (!(a.ast(0) instanceof Ast.ListValue list)) {
          throw comp.error(a.at(0), "Concat: 'vals' must be a list such as [a, b]");
        }
        Getter[] parts = list.items().stream().map(comp::value).toArray(Getter[]::new);
        Getter delimiterGetter = a.getter(1);
        yield c -> {
          if (!(delimiterGetter.get(c) instanceof String delimiter)) {
            throw new OttlRuntimeException("Concat: the delimiter is not a string");
          }
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
              sb.append(delimiter);
            }
            String s = Values.text(parts[i].get(c));
            sb.append(s == null ? "<nil>" : s); // as the Collector renders nil
          }
          return sb.toString();
        };
      }
      case "ParseJSON" -> {
        Getter target = a.getter(0);
        yield c -> {
          Object v = target.get(c);
          if (!(v instanceof String s)) {
            throw new OttlRuntimeException("ParseJSON takes a string, got "
                + Values.typeName(v));
          }
          return Values.of(Json.parse(s));
        };
      }
      case "IsString" -> test(a.getter(0), v -> v instanceof String);
      case "IsInt" -> test(a.getter(0), v -> v instanceof Long);
      case "IsDouble" -> test(a.getter(0), v -> v instanceof Double);
      case "IsBool" -> test(a.getter(0), v -> v instanceof Boolean);
      case "IsMap" -> test(a.getter(0), Values::isMap);
      case "IsList" -> test(a.getter(0), Values::isList);
      case "String" -> {
        Getter v = a.getter(0);
        yield c -> Values.text(v.get(c));
      }
      case "Int" -> {
        Getter v = a.getter(0);
        yield c -> switch (v.get(c)) {
          case Long l -> l;
          case Double d -> (long) (double) d;
          case Boolean b -> b ? 1L : 0L;
          case String s -> {
            try {
              yield Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
              yield null;
            }
          }
          case null, default -> null;
        };
      }
      case "Double" -> {
        Getter v = a.getter(0);
        yield c -> switch (v.get(c)) {
          case Long l -> (double) l;
          case Double d -> d;
          case Boolean b -> b ? 1.0 : 0.0;
          case String s -> {
            try {
              yield Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
              yield null;
            }
          }
          case null, default -> null;
        };
      }
      case "Len" -> {
        Getter v = a.getter(0);
        yield c -> {
          Object x = v.get(c);
          return switch (x) {
            case String s -> (long) s.length();
            case byte[] b -> (long) b.length;
            case Attributes m -> (long) m.size();
            case List<?> l -> (long) l.size();
            case AnyValue any when any.type() == ValueType.MAP -> (long) any.asMap().size();
            case AnyValue any when any.type() == ValueType.ARRAY -> (long) any.asArray().size();
            default -> throw new OttlRuntimeException("Len takes a string, list or map, got "
                + Values.typeName(x));
          };
        };
      }
      case "ToLowerCase", "ToUpperCase" -> {
        Getter v = a.getter(0);
        boolean lower = sig.name().equals("ToLowerCase");
        yield c -> {
          String s = Values.text(v.get(c));
          return s == null ? null : lower ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
        };
      }
      case "Substring" -> {
        Getter v = a.getter(0);
        Getter start = a.getter(1);
        Getter length = a.getter(2);
        yield c -> {
          Object x = v.get(c);
          if (!(x instanceof String s)) {
            throw new OttlRuntimeException("Substring takes a string, got " + Values.typeName(x));
          }
          long from = Paths.longValue("start", start.get(c));
          long n = Paths.longValue("length", length.get(c));
          if (from < 0 || n < 0 || from + n > s.length()) {
            throw new OttlRuntimeException("Substring: start " + from + " and length " + n
                + " are outside a string of " + s.length());
          }
          return s.substring((int) from, (int) (from + n));
        };
      }
      case "HasPrefix", "HasSuffix" -> {
        Getter v = a.getter(0);
        String affix = a.string(1);
        boolean prefix = sig.name().equals("HasPrefix");
        yield c -> v.get(c) instanceof String s
            && (prefix ? s.startsWith(affix) : s.endsWith(affix));
      }
      case "SHA256" -> {
        Getter v = a.getter(0);
        yield c -> {
          String s = Values.text(v.get(c));
          if (s == null) {
            return null;
          }
          return HexFormat.of().formatHex(sha256(s));
        };
      }
      default -> throw new IllegalStateException(sig.name());
    };
    PathRef result = new PathRef(call.name() + "(...)", g, null, null);
    return Paths.applyKeys(result, call.keys(), comp);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface ValueTest {
    boolean test(Object v);
  }

  private static Getter test(Getter g, ValueTest t) {
    return c -> t.test(g.get(c));
  }

  // ---- editors ----

  static Editor editor(Compiler comp, Ast.Call call) {
    Signature sig = lookup(comp, call, true);
    if (!call.keys().isEmpty()) {
      throw comp.error(call.keys().getFirst().at(), "an editor's result cannot be indexed");
    }
    Args a = new Args(comp, call, sig);
    return switch (sig.name()) {
      case "set" -> {
        PathRef target = a.path(0);
        if (target.setter() == null) {
          throw comp.error(a.at(0), "'" + target.text() + "' cannot be set");
        }
        Setter set = target.setter();
        Getter value = a.getter(1);
        yield c -> {
          Object v = value.get(c);
          if (v != null) {
            set.set(c, v);
          }
        };
      }
      case "delete_key" -> {
        MapTarget map = a.mapPath(0);
        Getter key = a.getter(1);
        yield c -> {
          Attributes m = map.open(c);
          if (m != null && key.get(c) instanceof String k && m.remove(k)) {
            map.close(c, m);
          }
        };
      }
      case "delete_matching_keys", "keep_matching_keys" -> {
        MapTarget map = a.mapPath(0);
        Matcher m = a.regex(1).matcher("");
        boolean keep = sig.name().startsWith("keep");
        yield mapEditor(map, attrs -> removeKeys(attrs, k -> m.reset(k).find() != keep));
      }
      case "keep_keys" -> {
        MapTarget map = a.mapPath(0);
        Set<String> keys = new HashSet<>(a.strings(1));
        yield mapEditor(map, attrs -> removeKeys(attrs, k -> !keys.contains(k)));
      }
      case "replace_pattern" -> {
        PathRef target = a.path(0);
        settable(comp, a, target);
        Pattern regex = a.regex(1);
        Matcher m = regex.matcher("");
        String replacement = replacement(comp, a, 2, regex);
        a.unsupported(3);
        a.unsupported(4);
        Getter g = target.getter();
        Setter set = target.setter();
        yield c -> {
          if (g.get(c) instanceof String s) {
            m.reset(s);
            if (m.find()) {
              set.set(c, m.replaceAll(replacement));
            }
          }
        };
      }
      case "replace_match" -> {
        PathRef target = a.path(0);
        settable(comp, a, target);
        Pattern glob = glob(a.string(1));
        String replacement = a.string(2);
        a.unsupported(3);
        a.unsupported(4);
        Getter g = target.getter();
        Setter set = target.setter();
        Matcher m = glob.matcher("");
        yield c -> {
          if (g.get(c) instanceof String s && m.reset(s).matches()) {
            set.set(c, replacement);
          }
        };
      }
      case "replace_all_patterns" -> {
        MapTarget map = a.mapPath(0);
        String mode = a.string(1);
        if (!mode.equals("key") && !mode.equals("value")) {
          throw comp.error(a.at(1), "replace_all_patterns: mode must be \"key\" or \"value\"");
        }
        Pattern regex = a.regex(2);
        Matcher m = regex.matcher("");
        String replacement = replacement(comp, a, 3, regex);
        a.unsupported(4);
        a.unsupported(5);
        boolean keys = mode.equals("key");
        yield mapEditor(map, attrs -> keys ? renameKeys(attrs, m, replacement)
            : replaceValues(attrs, m, replacement));
      }
      case "truncate_all" -> {
        MapTarget map = a.mapPath(0);
        long limit = a.integer(1);
        if (limit < 0) {
          throw comp.error(a.at(1), "truncate_all: limit must not be negative");
        }
        yield mapEditor(map, attrs -> {
          boolean changed = false;
          for (int i = 0; i < attrs.size(); i++) {
            if (attrs.type(i) == ValueType.STRING && attrs.stringAt(i).length() > limit) {
              attrs.putString(attrs.key(i), attrs.stringAt(i).substring(0, (int) limit));
              changed = true;
            }
          }
          return changed;
        });
      }
      case "limit" -> {
        MapTarget map = a.mapPath(0);
        long limit = a.integer(1);
        if (limit < 0) {
          throw comp.error(a.at(1), "limit: limit must not be negative");
        }
        List<String> priority = a.strings(2);
        if (priority.size() > limit) {
          throw comp.error(a.at(2), "limit: more priority keys (" + priority.size()
              + ") than the limit (" + limit + ")");
        }
        Set<String> prio = new HashSet<>(priority);
        yield mapEditor(map, attrs -> {
          if (attrs.size() <= limit) {
            return false;
          }
          int present = 0;
          for (String k : priority) {
            if (attrs.contains(k)) {
              present++;
            }
          }
          long[] others = {limit - present};
          return removeKeys(attrs, k -> !prio.contains(k) && others[0]-- <= 0);
        });
      }
      case "merge_maps" -> {
        MapTarget map = a.mapPath(0);
        Getter source = a.getter(1);
        String strategy = a.string(2);
        if (!strategy.equals("insert") && !strategy.equals("update")
            && !strategy.equals("upsert")) {
          throw comp.error(a.at(2), "merge_maps: strategy must be \"insert\", \"update\" or"
              + " \"upsert\"");
        }
        yield c -> {
          Object src = source.get(c);
          if (src == null) {
            return;
          }
          if (!Values.isMap(src)) {
            throw new OttlRuntimeException("merge_maps: source is not a map but "
                + Values.typeName(src));
          }
          Attributes attrs = map.open(c);
          if (attrs == null) {
            return;
          }
          Attributes from = Attributes.create();
          Values.copyMap(src, from);
          for (int i = 0; i < from.size(); i++) {
            String k = from.key(i);
            boolean exists = attrs.contains(k);
            if (strategy.equals("upsert") || exists == strategy.equals("update")) {
              attrs.put(k, from.valueAt(i));
            }
          }
          map.close(c, attrs);
        };
      }
      default -> throw new IllegalStateException(sig.name());
    };
  }

  /** An edit of a map in place; returns whether it changed anything. */
  private interface MapEdit {
    boolean edit(Attributes attrs);
  }

  /** Opens the map at the target, edits it, and writes it back when the edit changed it. */
  private static Editor mapEditor(MapTarget map, MapEdit edit) {
    return c -> {
      Attributes attrs = map.open(c);
      if (attrs != null && edit.edit(attrs)) {
        map.close(c, attrs);
      }
    };
  }

  /** Removes, in place, the keys {@code remove} selects; tests each key once, in order. */
  private static boolean removeKeys(Attributes attrs, Predicate<String> remove) {
    boolean changed = false;
    int i = 0;
    while (i < attrs.size()) {
      String k = attrs.key(i);
      if (remove.test(k)) {
        attrs.remove(k);
        changed = true;
      } else {
        i++;
      }
    }
    return changed;
  }

  /**
   * Renames the keys the matcher finds something in. Each key present at the start is looked at
   * once (a renamed key is appended, and may match again: looking at it again would not end).
   */
  private static boolean renameKeys(Attributes attrs, Matcher m, String replacement) {
    boolean changed = false;
    int i = 0;
    for (int n = attrs.size(); n > 0 && i < attrs.size(); n--) {
      String k = attrs.key(i);
      String renamed = m.reset(k).find() ? m.replaceAll(replacement) : k;
      if (renamed.equals(k)) {
        i++;
        continue;
      }
      AnyValue v = attrs.valueAt(i);
      attrs.remove(k);
      attrs.put(renamed, v);
      changed = true;
    }
    return changed;
  }

  private static boolean replaceValues(Attributes attrs, Matcher m, String replacement) {
    boolean changed = false;
    for (int i = 0; i < attrs.size(); i++) {
      if (attrs.type(i) == ValueType.STRING && m.reset(attrs.stringAt(i)).find()) {
        attrs.putString(attrs.key(i), m.replaceAll(replacement));
        changed = true;
      }
    }
    return changed;
  }

  private static void settable(Compiler comp, Args a, PathRef target) {
    if (target.setter() == null) {
      throw comp.error(a.at(0), "'" + target.text() + "' cannot be changed");
    }
  }

  /**
   * The Collector's replacement syntax (Go's regexp: {@code $1}, {@code ${1}}, {@code ${name}},
   * {@code $$}) in Java's ({@code $1}, {@code ${name}}, {@code \$}). As in Go, a group the
   * pattern does not have is replaced by nothing (Java would throw).
   */
  private static String replacement(Compiler comp, Args a, int i, Pattern regex) {
    String s = a.string(i);
    int groups = regex.matcher("").groupCount();
    Set<String> names = regex.namedGroups().keySet();
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < s.length(); k++) {
      char ch = s.charAt(k);
      if (ch == '\\') {
        out.append("\\\\");
      } else if (ch != '$') {
        out.append(ch);
      } else if (k + 1 < s.length() && s.charAt(k + 1) == '$') {
        out.append("\\$");
        k++;
      } else if (k + 1 < s.length() && s.charAt(k + 1) == '{') {
        int end = s.indexOf('}', k);
        if (end < 0) {
          throw comp.error(a.at(i), "replacement has '${' without '}'");
        }
        String name = s.substring(k + 2, end);
        boolean number = !name.isEmpty() && name.length() < 9
            && name.chars().allMatch(Character::isDigit);
        if (number && Integer.parseInt(name) <= groups) {
          out.append('$').append(Integer.parseInt(name));
        } else if (!number && names.contains(name)) {
          out.append("${").append(name).append('}');
        }
        k = end;
      } else {
        int end = k + 1;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
          end++;
        }
        if (end == k + 1) {
          out.append("\\$");
        } else {
          String digits = s.substring(k + 1, end);
          if (digits.length() < 9 && Integer.parseInt(digits) <= groups) {
            out.append('$').append(Integer.parseInt(digits));
          }
          k = end - 1;
        }
      }
    }
    return out.toString();
  }

  private static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char ch = glob.charAt(i);
      switch (ch) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
