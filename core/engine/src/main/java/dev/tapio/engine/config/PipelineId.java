package dev.tapio.engine.config;

import dev.tapio.component.Signal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A pipeline id as written in {@code service.pipelines}: {@code logs} or {@code logs/name}.
 * Immutable.
 */
public record PipelineId(Signal signal, String name) {

  public PipelineId {
    Objects.requireNonNull(signal, "signal");
    name = name == null ? "" : name;
    if (name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
      throw new IllegalArgumentException(
          "invalid pipeline name '" + name + "': must not contain '/' or whitespace");
    }
  }

  public static PipelineId of(Signal signal) {
    return new PipelineId(signal, "");
  }

  /**
   * Parses {@code signal} or {@code signal/name}; throws IllegalArgumentException saying why not
   * (the message does not repeat the text).
   */
  public static PipelineId parse(String text) {
    int slash = text.indexOf('/');
    String signalId = slash < 0 ? text : text.substring(0, slash);
    Signal signal = Signal.fromId(signalId);
    if (signal == null) {
      throw new IllegalArgumentException("unknown signal '" + signalId + "'"
          + Suggestions.hint(signalId, signalIds(), "valid signals"));
    }
    if (slash < 0) {
      return of(signal);
    }
    String name = text.substring(slash + 1);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty name after '/'");
    }
    return new PipelineId(signal, name);
  }

  private static List<String> signalIds() {
    return Arrays.stream(Signal.values()).map(Signal::id).toList();
  }

  @Override
  public String toString() {
    return name.isEmpty() ? signal.id() : signal.id() + "/" + name;
  }
}
