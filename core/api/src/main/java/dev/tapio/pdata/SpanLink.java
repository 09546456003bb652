package dev.tapio.pdata;

/** A link from a span to another span. Not thread-safe. */
public final class SpanLink extends Element {
  private byte[] traceId = Ids.EMPTY_TRACE;
  private byte[] spanId = Ids.EMPTY_SPAN;
  private String traceState = "";
  private final Attributes attributes;
  private int droppedAttributesCount;
  private int flags;

  SpanLink(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  /** The linked trace id; the array must not be changed. */
  public byte[] traceId() {
    return traceId;
  }

  public SpanLink setTraceId(byte[] id) {
    checkWritable();
    traceId = Ids.check(id, 16, "trace id");
    return this;
  }

  /** The linked span id; the array must not be changed. */
  public byte[] spanId() {
    return spanId;
  }

  public SpanLink setSpanId(byte[] id) {
    checkWritable();
    spanId = Ids.check(id, 8, "span id");
    return this;
  }

  public String traceState() {
    return traceState;
  }

  public SpanLink setTraceState(String traceState) {
    checkWritable();
    this.traceState = traceState == null ? "" : traceState;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public SpanLink setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  public int flags() {
    return flags;
  }

  public SpanLink setFlags(int flags) {
    checkWritable();
    this.flags = flags;
    return this;
  }

  void copyFrom(SpanLink from) {
    traceId = from.traceId;
    spanId = from.spanId;
    traceState = from.traceState;
    attributes.copyFrom(from.attributes);
    droppedAttributesCount = from.droppedAttributesCount;
    flags = from.flags;
  }

  @Override
  void bind(State s) {
    state = s;
    attributes.bind(s);
  }

  @Override
  void reset() {
    traceId = Ids.EMPTY_TRACE;
    spanId = Ids.EMPTY_SPAN;
    traceState = "";
    attributes.reset();
    droppedAttributesCount = 0;
    flags = 0;
  }
}
