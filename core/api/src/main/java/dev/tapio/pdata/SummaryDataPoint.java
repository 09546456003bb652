package dev.tapio.pdata;

/** A summary point: count, sum and quantile values. Not thread-safe. */
public final class SummaryDataPoint extends DataPoint {
  private static final double[] NONE = {};

  private long count;
  private double sum;
  private double[] quantiles = NONE;
  private double[] values = NONE;

  SummaryDataPoint(State state) {
    super(state);
  }

  public long count() {
    return count;
  }

  public void setCount(long count) {
    checkWritable();
    this.count = count;
  }

  public double sum() {
    return sum;
  }

  public void setSum(double sum) {
    checkWritable();
    this.sum = sum;
  }

  /** The quantiles (0..1); the array must not be changed. */
  public double[] quantiles() {
    return quantiles;
  }

  /** The value at each quantile; the array must not be changed. */
  public double[] quantileValues() {
    return values;
  }

  public void setQuantileValues(double[] quantiles, double[] values) {
    checkWritable();
    if (quantiles.length != values.length) {
      throw new IllegalArgumentException("quantiles and values differ in length");
    }
    this.quantiles = quantiles.clone();
    this.values = values.clone();
  }

  void copyFrom(SummaryDataPoint from) {
    copyBase(from);
    count = from.count;
    sum = from.sum;
    quantiles = from.quantiles;
    values = from.values;
  }

  @Override
  void reset() {
    super.reset();
    count = 0;
    sum = 0;
    quantiles = NONE;
    values = NONE;
  }
}
