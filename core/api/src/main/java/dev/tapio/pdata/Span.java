package dev.tapio.pdata;

/** One span. Not thread-safe. */
public final class Span extends Element {
  private byte[] traceId = Ids.EMPTY_TRACE;
  private byte[] spanId = Ids.EMPTY_SPAN;
  private byte[] parentSpanId = Ids.EMPTY_SPAN;
  private String traceState = "";
  private int flags;
  private String name = "";
  private SpanKind kind = SpanKind.UNSPECIFIED;
  private long startTimeUnixNano;
  private long endTimeUnixNano;
  private final Attributes attributes;
  private int droppedAttributesCount;
  private final PList<SpanEvent> events;
  private int droppedEventsCount;
  private final PList<SpanLink> links;
  private int droppedLinksCount;
  private StatusCode statusCode = StatusCode.UNSET;
  private String statusMessage = "";

  Span(State state) {
    super(state);
    attributes = new Attributes(state);
    events = new PList<>(state, SpanEvent::new);
    links = new PList<>(state, SpanLink::new);
  }

  /** The trace id; the array must not be changed. */
  public byte[] traceId() {
    return traceId;
  }

  public Span setTraceId(byte[] id) {
    checkWritable();
    traceId = Ids.check(id, 16, "trace id");
    return this;
  }

  /** The span id; the array must not be changed. */
  public byte[] spanId() {
    return spanId;
  }

  public Span setSpanId(byte[] id) {
    checkWritable();
    spanId = Ids.check(id, 8, "span id");
    return this;
  }

  /** The parent span id, all zero for a root span; the array must not be changed. */
  public byte[] parentSpanId() {
    return parentSpanId;
  }

  public Span setParentSpanId(byte[] id) {
    checkWritable();
    parentSpanId = Ids.check(id, 8, "parent span id");
    return this;
  }

  public String traceState() {
    return traceState;
  }

  public Span setTraceState(String traceState) {
    checkWritable();
    this.traceState = traceState == null ? "" : traceState;
    return this;
  }

  public int flags() {
    return flags;
  }

  public Span setFlags(int flags) {
    checkWritable();
    this.flags = flags;
    return this;
  }

  public String name() {
    return name;
  }

  public Span setName(String name) {
    checkWritable();
    this.name = name == null ? "" : name;
    return this;
  }

  public SpanKind kind() {
    return kind;
  }

  public Span setKind(SpanKind kind) {
    checkWritable();
    this.kind = kind;
    return this;
  }

  public long startTimeUnixNano() {
    return startTimeUnixNano;
  }

  public Span setStartTimeUnixNano(long nanos) {
    checkWritable();
    startTimeUnixNano = nanos;
    return this;
  }

  public long endTimeUnixNano() {
    return endTimeUnixNano;
  }

  public Span setEndTimeUnixNano(long nanos) {
    checkWritable();
    endTimeUnixNano = nanos;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public Span setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  public PList<SpanEvent> events() {
    return events;
  }

  public int droppedEventsCount() {
    return droppedEventsCount;
  }

  public Span setDroppedEventsCount(int count) {
    checkWritable();
    droppedEventsCount = count;
    return this;
  }

  public PList<SpanLink> links() {
    return links;
  }

  public int droppedLinksCount() {
    return droppedLinksCount;
  }

  public Span setDroppedLinksCount(int count) {
    checkWritable();
    droppedLinksCount = count;
    return this;
  }

  public StatusCode statusCode() {
    return statusCode;
  }

  public String statusMessage() {
    return statusMessage;
  }

  public Span setStatus(StatusCode code, String message) {
    checkWritable();
    statusCode = code;
    statusMessage = message == null ? "" : message;
    return this;
  }

  void copyFrom(Span from) {
    traceId = from.traceId;
    spanId = from.spanId;
    parentSpanId = from.parentSpanId;
    traceState = from.traceState;
    flags = from.flags;
    name = from.name;
    kind = from.kind;
    startTimeUnixNano = from.startTimeUnixNano;
    endTimeUnixNano = from.endTimeUnixNano;
    attributes.copyFrom(from.attributes);
    droppedAttributesCount = from.droppedAttributesCount;
    events.copyFrom(from.events, (a, b) -> b.copyFrom(a));
    droppedEventsCount = from.droppedEventsCount;
    links.copyFrom(from.links, (a, b) -> b.copyFrom(a));
    droppedLinksCount = from.droppedLinksCount;
    statusCode = from.statusCode;
    statusMessage = from.statusMessage;
  }

  @Override
  void bind(State s) {
    state = s;
    attributes.bind(s);
    events.bind(s);
    links.bind(s);
  }

  @Override
  void reset() {
    traceId = Ids.EMPTY_TRACE;
    spanId = Ids.EMPTY_SPAN;
    parentSpanId = Ids.EMPTY_SPAN;
    traceState = "";
    flags = 0;
    name = "";
    kind = SpanKind.UNSPECIFIED;
    startTimeUnixNano = 0;
    endTimeUnixNano = 0;
    attributes.reset();
    droppedAttributesCount = 0;
    events.clear();
    droppedEventsCount = 0;
    links.clear();
    droppedLinksCount = 0;
    statusCode = StatusCode.UNSET;
    statusMessage = "";
  }
}
