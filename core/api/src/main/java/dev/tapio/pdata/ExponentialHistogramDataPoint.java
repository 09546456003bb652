package dev.tapio.pdata;

/**
 * A base-2 exponential histogram point. Bucket arrays are replaced whole, never changed in
 * place, so copies share them. Not thread-safe.
 */
public final class ExponentialHistogramDataPoint extends DataPoint {
  private static final long[] NO_COUNTS = {};

  private long count;
  private double sum = Double.NaN;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private int scale;
  private long zeroCount;
  private double zeroThreshold;
  private int positiveOffset;
  private long[] positiveCounts = NO_COUNTS;
  private int negativeOffset;
  private long[] negativeCounts = NO_COUNTS;

  ExponentialHistogramDataPoint(State state) {
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

  public int scale() {
    return scale;
  }

  public void setScale(int scale) {
    checkWritable();
    this.scale = scale;
  }

  public long zeroCount() {
    return zeroCount;
  }

  public void setZeroCount(long zeroCount) {
    checkWritable();
    this.zeroCount = zeroCount;
  }

  public double zeroThreshold() {
    return zeroThreshold;
  }

  public void setZeroThreshold(double zeroThreshold) {
    checkWritable();
    this.zeroThreshold = zeroThreshold;
  }

  public int positiveOffset() {
    return positiveOffset;
  }

  /** Positive bucket counts; the array must not be changed. */
  public long[] positiveBucketCounts() {
    return positiveCounts;
  }

  public void setPositive(int offset, long[] counts) {
    checkWritable();
    positiveOffset = offset;
    positiveCounts = counts.clone();
  }

  public int negativeOffset() {
    return negativeOffset;
  }

  /** Negative bucket counts; the array must not be changed. */
  public long[] negativeBucketCounts() {
    return negativeCounts;
  }

  public void setNegative(int offset, long[] counts) {
    checkWritable();
    negativeOffset = offset;
    negativeCounts = counts.clone();
  }

  void copyFrom(ExponentialHistogramDataPoint from) {
    copyBase(from);
    count = from.count;
    sum = from.sum;
    min = from.min;
    max = from.max;
    scale = from.scale;
    zeroCount = from.zeroCount;
    zeroThreshold = from.zeroThreshold;
    positiveOffset = from.positiveOffset;
    positiveCounts = from.positiveCounts;
    negativeOffset = from.negativeOffset;
    negativeCounts = from.negativeCounts;
  }

  @Override
  void reset() {
    super.reset();
    count = 0;
    sum = Double.NaN;
    min = Double.NaN;
    max = Double.NaN;
    scale = 0;
    zeroCount = 0;
    zeroThreshold = 0;
    positiveOffset = 0;
    positiveCounts = NO_COUNTS;
    negativeOffset = 0;
    negativeCounts = NO_COUNTS;
  }
}
