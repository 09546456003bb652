package dev.tapio.pdata;

/** The data a metric carries. */
public enum MetricType {
  EMPTY,
  GAUGE,
  SUM,
  HISTOGRAM,
  EXPONENTIAL_HISTOGRAM,
  SUMMARY
}
