package dev.tapio.pdata;

/** The metrics of one instrumentation scope. Not thread-safe. */
public final class ScopeMetrics extends ScopeEntry<Metric> {
  ScopeMetrics(State state) {
    super(state, Metric::new);
  }

  public PList<Metric> metrics() {
    return items;
  }

  @Override
  void copyItem(Metric from, Metric to) {
    to.copyFrom(from);
  }
}
