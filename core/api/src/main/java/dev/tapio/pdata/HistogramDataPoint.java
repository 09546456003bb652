package dev.tapio.pdata;

/**
 * An explicit-bucket histogram point: {@code bucketCounts} has one more entry than
 * {@code explicitBounds}. Min and max are optional (NaN when absent). Not thread-safe.
 */
public final class HistogramDataPoint extends DataPoint {
  private static final long[] NO_COUNTS = {};
  private static final double[] NO_BOUNDS = {};

  private long count;
  private double sum = Double.NaN;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private long[] bucketCounts = NO_COUNTS;
  private double[] explicitBounds = NO_BOUNDS;

  HistogramDataPoint(State state) {
    super(state);
  }

  public long count() {
    return count;
  }

  public void setCount(long count) {
    checkWritable();
    this.count = count;
  }

  /** The sum, or NaN when absent. */
  public double sum() {
    return sum;
  }

  public void setSum(double sum) {
    checkWritable();
    this.sum = sum;
  }

  public double min() {
    return min;
  }

  public void setMin(double min) {
    checkWritable();
    this.min = min;
  }

  public double max() {
    return max;
  }

  public void setMax(double max) {
    checkWritable();
    this.max = max;
  }

  /** The bucket counts; the array must not be changed. */
  public long[] bucketCounts() {
    return bucketCounts;
  }

  /** The explicit bounds; the array must not be changed. */
  public double[] explicitBounds() {
    return explicitBounds;
  }

  /** Sets bounds and counts (copied); counts must have one entry more than bounds. */
  public void setBuckets(double[] bounds, long[] counts) {
    checkWritable();
    if (counts.length != bounds.length + 1) {
      throw new IllegalArgumentException("a histogram with " + bounds.length
          + " bounds needs " + (bounds.length + 1) + " bucket counts, got " + counts.length);
    }
    explicitBounds = bounds.clone();
    bucketCounts = counts.clone();
  }

  void copyFrom(HistogramDataPoint from) {
    copyBase(from);
    count = from.count;
    sum = from.sum;
    min = from.min;
    max = from.max;
    bucketCounts = from.bucketCounts;
    explicitBounds = from.explicitBounds;
  }

  @Override
  void reset() {
    super.reset();
    count = 0;
    sum = Double.NaN;
    min = Double.NaN;
    max = Double.NaN;
    bucketCounts = NO_COUNTS;
    explicitBounds = NO_BOUNDS;
  }
}
