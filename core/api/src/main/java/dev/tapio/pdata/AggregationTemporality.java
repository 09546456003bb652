package dev.tapio.pdata;

/** Whether points of a sum or histogram are deltas or running totals. */
public enum AggregationTemporality {
  UNSPECIFIED,
  DELTA,
  CUMULATIVE
}
