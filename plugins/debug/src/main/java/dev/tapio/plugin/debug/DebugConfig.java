package dev.tapio.plugin.debug;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;

/**
 * Configuration of the {@code debug} exporter; see the package documentation for the keys.
 *
 * @param verbosity how much of each batch is printed
 * @param samplingInitial batches printed in full each second before sampling starts
 * @param samplingThereafter after those, every this-many-th batch is printed (0: none)
 */
public record DebugConfig(Verbosity verbosity, int samplingInitial, int samplingThereafter)
    implements ComponentConfig {

  static final DebugConfig DEFAULT = new DebugConfig(Verbosity.BASIC, 2, 1);

  /** How much the exporter prints, with the Collector's names. */
  public enum Verbosity {
    /** One summary line per batch. */
    BASIC,
    /** The summary line, then one line per log record, span or data point. */
    NORMAL,
    /** The summary line, then every field, in the Collector's multi-line layout. */
    DETAILED
  }

  public DebugConfig {
    verbosity = verbosity == null ? Verbosity.BASIC : verbosity;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (samplingInitial < 0) {
      problems.error("sampling_initial", "must be >= 0");
    }
    if (samplingThereafter < 0) {
      problems.error("sampling_thereafter", "must be >= 0 (0 prints nothing after the initial "
          + "batches of each second)");
    }
  }
}
