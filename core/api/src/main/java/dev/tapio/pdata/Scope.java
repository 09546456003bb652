package dev.tapio.pdata;

/** The instrumentation scope (library or receiver) that produced the telemetry. */
public final class Scope extends Element {
  private String name = "";
  private String version = "";
  private final Attributes attributes;
  private int droppedAttributesCount;

  Scope(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  public String name() {
    return name;
  }

  public Scope setName(String name) {
    checkWritable();
    this.name = name == null ? "" : name;
    return this;
  }

  public String version() {
    return version;
  }

  public Scope setVersion(String version) {
    checkWritable();
    this.version = version == null ? "" : version;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public Scope setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  void copyFrom(Scope from) {
    name = from.name;
    version = from.version;
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
    name = "";
    version = "";
    attributes.reset();
    droppedAttributesCount = 0;
  }
}
