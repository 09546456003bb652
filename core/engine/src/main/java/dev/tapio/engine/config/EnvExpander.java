package dev.tapio.engine.config;

import dev.tapio.engine.config.ConfigNode.Entry;
import dev.tapio.engine.config.ConfigNode.ListNode;
import dev.tapio.engine.config.ConfigNode.MapNode;
import dev.tapio.engine.config.ConfigNode.Scalar;
import dev.tapio.engine.config.ConfigNode.ScalarType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Expands {@code ${env:VAR}}, {@code ${env:VAR:-default}}, their short forms {@code ${VAR}} and
 * {@code ${VAR:-default}}, and {@code ${file:path}} (the file's content; a value that is exactly
 * one file reference and whose file holds a YAML map becomes that map) in scalar values, and
 * {@code $$} to a literal {@code $}, with the Collector's rules: expansion runs on the merged tree (so a value
 * overridden by a later source is never expanded), keys are not expanded, an unset variable
 * without a default expands to nothing and is a warning, a default is used only when the variable
 * is unset. A scalar that is exactly one reference is re-typed from the expanded text, so that
 * {@code port: ${env:PORT}} is an integer. A {@code $} followed by anything else is literal.
 *
 * <p>Expanded text is a secret: the node's display text shows {@code <value of ${env:VAR}>}
 * ({@code <content of ${file:path}>}). A relative file path is resolved from the working
 * directory, as the Collector does.
 *
 * <p>Not thread-safe; used once per load.
 */
final class EnvExpander {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String SYNTAX =
      "use ${env:NAME}, ${env:NAME:-default}, ${NAME} or ${file:path}";
  /** Larger files are refused: a reference is for a token, a certificate, a config fragment. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private final Function<String, String> env;
  private final Problems problems;
  private final ScalarResolver resolver = new CoreScalarResolver(true);

  EnvExpander(Function<String, String> env, Problems problems) {
    this.env = env;
    this.problems = problems;
  }

  MapNode expand(MapNode map) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Entry entry : map.entries().values()) {
      entries.put(entry.key(), new Entry(entry.key(), entry.keyLocation(), expand(entry.value())));
    }
    return new MapNode(map.location(), entries);
  }

  private ConfigNode expand(ConfigNode node) {
    return switch (node) {
      case MapNode map -> expand(map);
      case ListNode list -> {
        List<ConfigNode> items = new ArrayList<>();
        for (ConfigNode item : list.items()) {
          items.add(expand(item));
        }
        yield new ListNode(list.location(), items);
      }
      case Scalar scalar -> scalar.type() == ScalarType.STRING && scalar.value().indexOf('$') >= 0
          ? expandScalar(scalar)
          : scalar;
    };
  }

  private ConfigNode expandScalar(Scalar scalar) {
    String text = scalar.value();
    if (text.startsWith("${file:") && text.indexOf('}') == text.length() - 1) {
      MapNode map = fileMap(scalar, text.substring(7, text.length() - 1));
      if (map != null) {
        return map;
      }
    }
    return expand(scalar);
  }

  /** The file's YAML map when {@code path} holds one, else null (then it is read as text). */
  private MapNode fileMap(Scalar scalar, String path) {
    String content = readFile(scalar, path, false);
    if (content == null || !looksLikeMap(content)) {
      return null;
    }
    Problems inner = new Problems();
    MapNode map = YamlParser.parse(new ConfigSource(path, content), inner);
    if (map == null || inner.hasErrors()) {
      return null;
    }
    return expand(map);
  }

  private static boolean looksLikeMap(String content) {
    for (String line : content.split("\n")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        return t.startsWith("{") || t.matches("[A-Za-z0-9_.\"'/-]+\\s*:(\\s.*)?");
      }
    }
    return false;
  }

  /** The file's text, or null with the problem recorded (when {@code report}). */
  private String readFile(Scalar scalar, String path, boolean report) {
    if (path.isBlank()) {
      if (report) {
        problems.error(scalar.location(), "empty file path in '${file:}'; " + SYNTAX);
      }
      return null;
    }
    try {
      java.nio.file.Path file = java.nio.file.Path.of(path);
      long size = java.nio.file.Files.size(file);
      if (size > MAX_FILE_BYTES) {
        if (report) {
          problems.error(scalar.location(), "'${file:" + path + "}' is " + size + " bytes; at"
              + " most " + MAX_FILE_BYTES + " are read");
        }
        return null;
      }
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException | RuntimeException e) {
      if (report) {
        problems.error(scalar.location(), "cannot read '${file:" + path + "}': " + e);
      }
      return null;
    }
  }

  private Scalar expand(Scalar scalar) {
    String text = scalar.value();
    StringBuilder value = new StringBuilder();
    StringBuilder display = new StringBuilder();
    boolean fromEnv = false;
    int references = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (c == '$' && next == '$') {
        value.append('$');
        display.append('$');
        i += 2;
      } else if (c == '$' && next == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          problems.error(scalar.location(),
              "unclosed '${' in '" + text + "': missing '}'; " + SYNTAX
                  + ", or $$ for a literal $");
          return scalar;
        }
        String body = text.substring(i + 2, close);
        if (body.startsWith("file:")) {
          String path = body.substring(5);
          String content = readFile(scalar, path, true);
          if (content == null) {
            return scalar;
          }
          // A file ends with a newline; the value does not (a token, a password).
          if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
          }
          value.append(content);
          display.append("<content of ${file:").append(path).append("}>");
          problems.secret(content, "file:" + path);
          fromEnv = true;
          references++;
          i = close + 1;
          continue;
        }
        Reference ref = parse(body, scalar);
        if (ref == null) {
          return scalar;
        }
        String resolved = env.apply(ref.name);
        if (resolved != null) {
          value.append(resolved);
          display.append("<value of ${env:").append(ref.name).append("}>");
          problems.secret(resolved, "env:" + ref.name);
          fromEnv = true;
        } else if (ref.defaultValue != null) {
          // The default was written in the file, so it is not a secret.
          value.append(ref.defaultValue);
          display.append(ref.defaultValue);
        } else {
          problems.warn(scalar.location(), "environment variable '" + ref.name
              + "' is not set; '${" + body + "}' expands to an empty value");
        }
        references++;
        i = close + 1;
      } else {
        value.append(c);
        display.append(c);
        i++;
      }
    }
    boolean wholeReference = references == 1 && text.startsWith("${") && text.endsWith("}")
        && text.indexOf('}') == text.length() - 1;
    ScalarType type = wholeReference
        ? YamlParser.typeOf(resolver.resolve(value.toString(), true))
        : ScalarType.STRING;
    return new Scalar(scalar.location(), type, value.toString(), display.toString(), fromEnv);
  }

  private Reference parse(String body, Scalar scalar) {
    String written = "${" + body + "}";
    int colon = body.indexOf(':');
    int shortDefault = body.indexOf(":-");
    String shortName = colon < 0 ? body : shortDefault == colon ? body.substring(0, colon) : null;
    if (shortName != null && NAME.matcher(shortName).matches()) {
      // ${NAME} and ${NAME:-default}: the Collector reads them as environment variables.
      return new Reference(shortName, colon < 0 ? null : body.substring(colon + 2));
    }
    if (colon < 0) {
      problems.error(scalar.location(), "reference '" + written + "' is not a variable name; "
          + SYNTAX + ", or $$ for a literal $");
      return null;
    }
    String scheme = body.substring(0, colon);
    if (!scheme.equals("env")) {
      problems.error(scalar.location(), "unsupported scheme '" + scheme + "' in '" + written
          + "': env and file are supported; " + SYNTAX);
      return null;
    }
    String rest = body.substring(colon + 1);
    int separator = rest.indexOf(":-");
    String name = separator < 0 ? rest : rest.substring(0, separator);
    String defaultValue = separator < 0 ? null : rest.substring(separator + 2);
    if (name.isEmpty()) {
      problems.error(scalar.location(), "empty variable name in '" + written + "'; " + SYNTAX);
      return null;
    }
    if (!NAME.matcher(name).matches()) {
      problems.error(scalar.location(), "invalid environment variable name '" + name + "' in '"
          + written + "': use letters, digits and '_', not starting with a digit");
      return null;
    }
    return new Reference(name, defaultValue);
  }

  private record Reference(String name, String defaultValue) {}
}
