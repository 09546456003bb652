package dev.tapio.pdata;

import java.util.function.Function;

/**
 * The root of a pdata tree: a batch of one signal's telemetry, grouped by resource and scope.
 *
 * <p>Mutable until {@link #markReadOnly()}; after that every mutator anywhere in the tree throws
 * {@link IllegalStateException}. {@code copy()} is a deep copy that shares only immutable parts
 * (strings, {@link AnyValue}s, ids). Not thread-safe; hand it on, do not share it, unless it is
 * read-only.
 *
 * @param <E> the resource group type
 */
public abstract sealed class TelemetryData<E extends ResourceEntry<?>>
    permits Logs, Metrics, Traces {
  final State state = new State();
  final PList<E> resources;

  TelemetryData(Function<State, E> factory) {
    resources = new PList<>(state, factory);
  }

  /** Makes this tree read-only for everyone; cannot be undone. */
  public final void markReadOnly() {
    state.readOnly = true;
  }

  public final boolean isReadOnly() {
    return state.readOnly;
  }

  /** The number of items (log records, metric data points, spans): what telemetry counts. */
  public abstract int itemCount();

  /** Moves every resource group into {@code dest}, leaving this tree empty. */
  public final void moveTo(TelemetryData<E> dest) {
    resources.moveAllTo(dest.resources);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  final void copyInto(TelemetryData<E> dest) {
    dest.resources.copyFrom(resources, (a, b) -> ((ResourceEntry) b).copyFrom((ResourceEntry) a));
  }

  /**
   * Moves the first {@code count} items (log records, metrics, spans), in order, into {@code
   * dest}, creating resource and scope groups there with copies of their identity. Items past
   * {@code count} stay here; groups left empty are removed. Splits batches without copying items.
   * A metric moves whole, with all its data points.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public final void moveFirstItemsTo(int count, TelemetryData<E> dest) {
    int left = count;
    while (left > 0 && !resources.isEmpty()) {
      E rl = resources.get(0);
      ResourceEntry drl = dest.resources.appendEmpty();
      ((ResourceEntry) rl).copyHeaderTo(drl);
      PList<ScopeEntry> scopes = (PList) rl.scopes;
      while (left > 0 && !scopes.isEmpty()) {
        ScopeEntry sl = scopes.get(0);
        ScopeEntry dsl = (ScopeEntry) drl.scopes.appendEmpty();
        sl.copyHeaderTo(dsl);
        int n = Math.min(left, sl.items.size());
        sl.items.moveFirstTo(n, dsl.items);
        left -= n;
        if (sl.items.isEmpty()) {
          scopes.removeIf(s -> s == sl);
        }
      }
      if (scopes.isEmpty()) {
        resources.removeIf(r -> r == rl);
      }
    }
  }
}
