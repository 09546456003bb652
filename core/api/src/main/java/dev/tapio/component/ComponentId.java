package dev.tapio.component;

import java.util.regex.Pattern;

/**
 * A component id as written in configuration: {@code type} or {@code type/name}, e.g.
 * {@code otlp}, {@code batch/fast}. The type selects the factory; the name tells instances apart.
 */
public record ComponentId(String type, String name) implements Comparable<ComponentId> {

  private static final Pattern TYPE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,62}");

  public ComponentId {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("invalid component type '" + type
          + "': must start with a letter and contain only letters, digits and '_'");
    }
    name = name == null ? "" : name;
    if (name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
      throw new IllegalArgumentException("invalid component name '" + name
          + "': must not contain '/' or whitespace");
    }
  }

  public static ComponentId of(String type) {
    return new ComponentId(type, "");
  }

  /** Parses {@code type} or {@code type/name}; throws IllegalArgumentException saying why not. */
  public static ComponentId parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("component id must not be empty");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      return new ComponentId(text, "");
    }
    String name = text.substring(slash + 1);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("component id '" + text + "' has an empty name after '/'");
    }
    return new ComponentId(text.substring(0, slash), name);
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }

  @Override
  public int compareTo(ComponentId o) {
    return toString().compareTo(o.toString());
  }
}
