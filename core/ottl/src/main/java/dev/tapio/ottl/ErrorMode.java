package dev.tapio.ottl;

/**
 * What a processor does when a statement or condition fails on a record ({@code error_mode}, as
 * in the Collector).
 */
public enum ErrorMode {
  /** The error is returned up the pipeline: the batch is refused (and counted as refused). */
  PROPAGATE,
  /** The error is logged (rate-limited) and processing goes on with the next statement. */
  IGNORE,
  /** As {@link #IGNORE}, without logging. */
  SILENT
}
