package dev.tapio.pdata;

/** What every metric data point has: attributes, timestamps and flags. Not thread-safe. */
public abstract sealed class DataPoint extends Element
    permits NumberDataPoint, HistogramDataPoint, ExponentialHistogramDataPoint,
        SummaryDataPoint {
  private final Attributes attributes;
  private long startTimeUnixNano;
  private long timeUnixNano;
  private int flags;

  DataPoint(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  public Attributes attributes() {
    return attributes;
  }

  public long startTimeUnixNano() {
    return startTimeUnixNano;
  }

  public void setStartTimeUnixNano(long nanos) {
    checkWritable();
    startTimeUnixNano = nanos;
  }

  public long timeUnixNano() {
    return timeUnixNano;
  }

  public void setTimeUnixNano(long nanos) {
    checkWritable();
    timeUnixNano = nanos;
  }

  public int flags() {
    return flags;
  }

  public void setFlags(int flags) {
    checkWritable();
    this.flags = flags;
  }

  void copyBase(DataPoint from) {
    attributes.copyFrom(from.attributes);
    startTimeUnixNano = from.startTimeUnixNano;
    timeUnixNano = from.timeUnixNano;
    flags = from.flags;
  }

  @Override
  void bind(State s) {
    state = s;
    attributes.bind(s);
  }

  @Override
  void reset() {
    attributes.reset();
    startTimeUnixNano = 0;
    timeUnixNano = 0;
    flags = 0;
  }
}
