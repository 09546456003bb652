package dev.tapio.pdata;

/** A gauge or sum point holding either a long or a double. Not thread-safe. */
public final class NumberDataPoint extends DataPoint {
  private boolean isDouble;
  private long bits;

  NumberDataPoint(State state) {
    super(state);
  }

  public boolean isDouble() {
    return isDouble;
  }

  public long longValue() {
    return isDouble ? (long) Double.longBitsToDouble(bits) : bits;
  }

  public double doubleValue() {
    return isDouble ? Double.longBitsToDouble(bits) : bits;
  }

  public NumberDataPoint setLongValue(long value) {
    checkWritable();
    isDouble = false;
    bits = value;
    return this;
  }

  public NumberDataPoint setDoubleValue(double value) {
    checkWritable();
    isDouble = true;
    bits = Double.doubleToRawLongBits(value);
    return this;
  }

  void copyFrom(NumberDataPoint from) {
    copyBase(from);
    isDouble = from.isDouble;
    bits = from.bits;
  }

  @Override
  void reset() {
    super.reset();
    isDouble = false;
    bits = 0;
  }
}
