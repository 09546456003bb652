package dev.tapio.pdata;

/** The entity producing telemetry (a host, a container, a service). Not thread-safe. */
public final class Resource extends Element {
  private final Attributes attributes;
  private int droppedAttributesCount;

  Resource(State state) {
    super(state);
    attributes = new Attributes(state);
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public Resource setDroppedAttributesCount(int count) {
    checkWritable();
    droppedAttributesCount = count;
    return this;
  }

  void copyFrom(Resource from) {
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
    attributes.reset();
    droppedAttributesCount = 0;
  }
}
