package dev.tapio.engine.plugin;

import java.util.List;

/** Plugin jars that could not be used; each problem names the jar and the reason. */
public final class PluginException extends RuntimeException {
  private final List<String> problems;

  PluginException(List<String> problems) {
    super("cannot load plugins:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
