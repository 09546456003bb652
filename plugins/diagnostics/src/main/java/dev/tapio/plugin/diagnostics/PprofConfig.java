package dev.tapio.plugin.diagnostics;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.util.Objects;

/**
 * The {@code pprof} extension's settings, with the Collector's keys.
 *
 * @param endpoint {@code host:port}, {@code localhost:1777} by default
 * @param saveToFile a file the recording from start to shutdown is written to, or empty
 */
public record PprofConfig(String endpoint, String saveToFile) implements ComponentConfig {
  static final PprofConfig DEFAULT = new PprofConfig("localhost:1777", "");

  public PprofConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(saveToFile, "saveToFile");
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (!DebugServer.validEndpoint(endpoint)) {
      problems.error("endpoint", "must be host:port, e.g. localhost:1777; got '" + endpoint
          + "'");
    }
  }
}
