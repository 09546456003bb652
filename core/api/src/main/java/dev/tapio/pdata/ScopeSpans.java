package dev.tapio.pdata;

/** The spans of one instrumentation scope. Not thread-safe. */
public final class ScopeSpans extends ScopeEntry<Span> {
  ScopeSpans(State state) {
    super(state, Span::new);
  }

  public PList<Span> spans() {
    return items;
  }

  @Override
  void copyItem(Span from, Span to) {
    to.copyFrom(from);
  }
}
