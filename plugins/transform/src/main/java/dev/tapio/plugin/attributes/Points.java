package dev.tapio.plugin.attributes;

import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.PList;

/** The data points of a metric, whatever its type. */
public final class Points {
  private Points() {}

  /** The metric's points, or null for a metric without data ({@code EMPTY}). */
  public static PList<? extends DataPoint> of(Metric m) {
    return switch (m.type()) {
      case GAUGE, SUM -> m.numberPoints();
      case HISTOGRAM -> m.histogramPoints();
      case EXPONENTIAL_HISTOGRAM -> m.exponentialHistogramPoints();
      case SUMMARY -> m.summaryPoints();
      default -> null;
    };
  }
}
