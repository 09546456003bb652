package dev.tapio.plugin.transform;

import dev.tapio.config.ComponentConfig;
import dev.tapio.ottl.ErrorMode;
import dev.tapio.ottl.OttlContext;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the {@code transform} processor: statement groups per signal, run in order.
 * Every statement and condition was compiled for its context when read.
 *
 * @param errorMode what a statement that fails on a record does, unless its group says
 * @param logStatements {@code log_statements}
 * @param traceStatements {@code trace_statements}
 * @param metricStatements {@code metric_statements}
 */
public record TransformConfig(ErrorMode errorMode, List<Group> logStatements,
    List<Group> traceStatements, List<Group> metricStatements) implements ComponentConfig {

  public TransformConfig {
    Objects.requireNonNull(errorMode, "errorMode");
    logStatements = List.copyOf(logStatements);
    traceStatements = List.copyOf(traceStatements);
    metricStatements = List.copyOf(metricStatements);
  }

  static TransformConfig defaults() {
    return new TransformConfig(ErrorMode.IGNORE, List.of(), List.of(), List.of());
  }

  /**
   * Statements run for every record of {@code context} for which any of {@code conditions}
   * matches (all records when there are none).
   *
   * @param errorMode this group's error mode, or null for the processor's
   */
  public record Group(OttlContext context, List<String> conditions, List<String> statements,
      ErrorMode errorMode) {
    public Group {
      Objects.requireNonNull(context, "context");
      conditions = List.copyOf(conditions);
      statements = List.copyOf(statements);
    }
  }
}
