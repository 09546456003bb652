package dev.tapio.pdata;

/**
 * One log record. eBPF events are log records with {@link #eventName()} set (e.g.
 * {@code process.exec}). Not thread-safe.
 */
public final class LogRecord extends Element {
  private long timeUnixNano;
  private long observedTimeUnixNano;
  private Severity severity = Severity.UNSPECIFIED;
  private String severityText = "";
  private String eventName = "";
  private AnyValue body = AnyValue.EMPTY;
  private String bodyString;
  private final Attributes attributes;
  private int droppedAttributesCount;
  private int flags;
  private byte[] traceId = Ids.EMPTY_TRACE;
  private byte[] spanId = Ids.EMPTY_SPAN;

  LogRecord(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  public long timeUnixNano() {
    return timeUnixNano;
  }

  public LogRecord setTimeUnixNano(long nanos) {
    checkWritable();
    timeUnixNano = nanos;
    return this;
  }

  public long observedTimeUnixNano() {
    return observedTimeUnixNano;
  }

  public LogRecord setObservedTimeUnixNano(long nanos) {
    checkWritable();
    observedTimeUnixNano = nanos;
    return this;
  }

  public Severity severity() {
    return severity;
  }

  public LogRecord setSeverity(Severity severity) {
    checkWritable();
    this.severity = severity;
    return this;
  }

  public String severityText() {
    return severityText;
  }

  public LogRecord setSeverityText(String text) {
    checkWritable();
    severityText = text == null ? "" : text;
    return this;
  }

  public String eventName() {
    return eventName;
  }

  public LogRecord setEventName(String name) {
    checkWritable();
    eventName = name == null ? "" : name;
    return this;
  }

  /** The body; allocates an AnyValue the first time when the body was set as a string. */
  public AnyValue body() {
    if (bodyString != null) {
      body = AnyValue.of(bodyString);
      bodyString = null;
    }
    return body;
  }

  public ValueType bodyType() {
    return bodyString != null ? ValueType.STRING : body.type();
  }

  /** The body as a string if it is one, else null; never allocates. */
  public String bodyString() {
    return bodyString != null ? bodyString
        : body.type() == ValueType.STRING ? body.asString() : null;
  }

  /** Sets a string body without allocating a value object. */
  public LogRecord setBody(String text) {
    checkWritable();
    bodyString = text;
    body = AnyValue.EMPTY;
    return this;
  }

  public LogRecord setBody(AnyValue value) {
    checkWritable();
    bodyString = null;
    body = value == null ? AnyValue.EMPTY : value;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public LogRecord setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  public int flags() {
    return flags;
  }

  public LogRecord setFlags(int flags) {
    checkWritable();
    this.flags = flags;
    return this;
  }

  /** The 16-byte trace id (all zero when absent). The returned array must not be changed. */
  public byte[] traceId() {
    return traceId;
  }

  public LogRecord setTraceId(byte[] id) {
    checkWritable();
    traceId = Ids.check(id, 16, "trace id");
    return this;
  }

  /** The 8-byte span id (all zero when absent). The returned array must not be changed. */
  public byte[] spanId() {
    return spanId;
  }

  public LogRecord setSpanId(byte[] id) {
    checkWritable();
    spanId = Ids.check(id, 8, "span id");
    return this;
  }

  /** Replaces this record's content with a copy of {@code from}'s. */
  public void copyFrom(LogRecord from) {
    checkWritable();
    timeUnixNano = from.timeUnixNano;
    observedTimeUnixNano = from.observedTimeUnixNano;
    severity = from.severity;
    severityText = from.severityText;
    eventName = from.eventName;
    body = from.body;
    bodyString = from.bodyString;
    attributes.copyFrom(from.attributes);
    droppedAttributesCount = from.droppedAttributesCount;
    flags = from.flags;
    traceId = from.traceId;
    spanId = from.spanId;
  }

  @Override
  void bind(State s) {
    state = s;
    attributes.bind(s);
  }

  @Override
  void reset() {
    timeUnixNano = 0;
    observedTimeUnixNano = 0;
    severity = Severity.UNSPECIFIED;
    severityText = "";
    eventName = "";
    body = AnyValue.EMPTY;
    bodyString = null;
    attributes.reset();
    droppedAttributesCount = 0;
    flags = 0;
    traceId = Ids.EMPTY_TRACE;
    spanId = Ids.EMPTY_SPAN;
  }
}
