package dev.tapio.pdata;

/** A batch of spans grouped by resource and scope. See {@link TelemetryData}. */
public final class Traces extends TelemetryData<ResourceSpans> {

  public Traces() {
    super(ResourceSpans::new);
  }

  public PList<ResourceSpans> resourceSpans() {
    return resources;
  }

  public int spanCount() {
    int n = 0;
    for (ResourceSpans rs : resources) {
      for (ScopeSpans ss : rs.scopes) {
        n += ss.items.size();
      }
    }
    return n;
  }

  @Override
  public int itemCount() {
    return spanCount();
  }

  /** A deep, writable copy. */
  public Traces copy() {
    Traces copy = new Traces();
    copyInto(copy);
    return copy;
  }
}
