package dev.tapio.pdata;

/** The spans of one resource. Not thread-safe. */
public final class ResourceSpans extends ResourceEntry<ScopeSpans> {
  ResourceSpans(State state) {
    super(state, ScopeSpans::new);
  }

  public PList<ScopeSpans> scopeSpans() {
    return scopes;
  }
}
