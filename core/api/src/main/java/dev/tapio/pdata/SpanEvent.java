package dev.tapio.pdata;

/** A timed event within a span. Not thread-safe. */
public final class SpanEvent extends Element {
  private long timeUnixNano;
  private String name = "";
  private final Attributes attributes;
  private int droppedAttributesCount;

  SpanEvent(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  public long timeUnixNano() {
    return timeUnixNano;
  }

  public SpanEvent setTimeUnixNano(long nanos) {
    checkWritable();
    timeUnixNano = nanos;
    return this;
  }

  public String name() {
    return name;
  }

  public SpanEvent setName(String name) {
    checkWritable();
    this.name = name == null ? "" : name;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public SpanEvent setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  void copyFrom(SpanEvent from) {
    timeUnixNano = from.timeUnixNano;
    name = from.name;
    attributes.copyFrom(from.attributes);
    droppedAttributesCount = from.droppedAttributesCount;
  }

  @Override
  void bind(State s) {
    state = s;
    attributes.bind(s);
  }

  @Override
  void reset() {
    timeUnixNano = 0;
    name = "";
    attributes.reset();
    droppedAttributesCount = 0;
  }
}
