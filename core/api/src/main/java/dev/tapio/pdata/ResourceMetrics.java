package dev.tapio.pdata;

/** The metrics of one resource. Not thread-safe. */
public final class ResourceMetrics extends ResourceEntry<ScopeMetrics> {
  ResourceMetrics(State state) {
    super(state, ScopeMetrics::new);
  }

  public PList<ScopeMetrics> scopeMetrics() {
    return scopes;
  }
}
