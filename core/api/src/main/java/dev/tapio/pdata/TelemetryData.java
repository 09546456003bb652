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
  /** Bytes per item assumed when the producer gave no estimate: a record with ~10 attributes. */
  public static final int DEFAULT_ITEM_BYTES = 512;

  final State state = new State();
  final PList<E> resources;
  private long estimatedBytes; // 0: unknown, use DEFAULT_ITEM_BYTES per item
  private String clientAddress; // null: unknown, or several
  private long enqueuedNanos; // 0: not yet in a pipeline

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

  /**
   * The heap this tree is estimated to hold, for memory budgets: what its producer set with
   * {@link #setEstimatedBytes} (an OTLP receiver knows its request's size), carried along by
   * moves, splits and copies; else {@link #DEFAULT_ITEM_BYTES} per item. Constant time: no walk.
   */
  public final long estimatedBytes() {
    long e = estimatedBytes;
    return e > 0 ? e : (long) itemCount() * DEFAULT_ITEM_BYTES;
  }

  /** Sets the estimate {@link #estimatedBytes()} returns; 0 or less means unknown. */
  public final void setEstimatedBytes(long bytes) {
    estimatedBytes = Math.max(0, bytes);
  }

  /**
   * The IP address of the client this batch came from, as its receiver saw the connection (the
   * OTLP receiver sets it), or null when unknown or when the batch holds data of several
   * clients. What the Collector keeps in a request's {@code client.Info}: {@code k8sattributes}
   * associates a gateway's data with the sending pod by it ({@code from: connection}).
   */
  public final String clientAddress() {
    return clientAddress;
  }

  /** Sets what {@link #clientAddress()} returns; null for unknown. */
  public final void setClientAddress(String address) {
    clientAddress = address;
  }

  /**
   * {@link System#nanoTime()} when the oldest of this tree's items entered a pipeline's queue, or
   * 0 before it did. The engine sets it ({@link #markEnqueued}); moves and merges keep the oldest,
   * so a batch a processor assembled over time still knows how long its first item has waited:
   * what the engine's {@code tapio_pipeline_latency_seconds} measures when the batch reaches the
   * exporters.
   */
  public final long enqueuedNanos() {
    return enqueuedNanos;
  }

  /** Records that this tree enters a pipeline now ({@code nanos}), unless it already had. */
  public final void markEnqueued(long nanos) {
    if (enqueuedNanos == 0) {
      enqueuedNanos = nanos == 0 ? 1 : nanos;
    }
  }

  /**
   * Where {@code from}'s items join {@code into}'s: the address stays only while every item has
   * the same one; the enqueue time is the older.
   */
  private static void joinClient(TelemetryData<?> from, TelemetryData<?> into) {
    if (from.enqueuedNanos != 0 && (into.enqueuedNanos == 0 || into.resources.isEmpty()
        || from.enqueuedNanos - into.enqueuedNanos < 0)) {
      into.enqueuedNanos = from.enqueuedNanos;
    }
    into.clientAddress = into.resources.isEmpty() ? from.clientAddress
        : java.util.Objects.equals(into.clientAddress, from.clientAddress)
            ? into.clientAddress : null;
  }

  /** Moves every resource group into {@code dest}, leaving this tree empty. */
  public final void moveTo(TelemetryData<E> dest) {
    if (!resources.isEmpty()) {
      joinClient(this, dest);
    }
    if (estimatedBytes > 0 || dest.estimatedBytes > 0) {
      dest.estimatedBytes = dest.estimatedBytes() + estimatedBytes();
    }
    resources.moveAllTo(dest.resources);
    estimatedBytes = 0;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  final void copyInto(TelemetryData<E> dest) {
    dest.estimatedBytes = estimatedBytes;
    dest.clientAddress = clientAddress;
    dest.enqueuedNanos = enqueuedNanos;
    dest.resources.copyFrom(resources, (a, b) -> ((ResourceEntry) b).copyFrom((ResourceEntry) a));
  }

  /**
   * Moves items from the front, in order, into the empty {@code dest} while they fit in {@code
   * maxItems} as {@link #itemCount()} counts them, and always at least one (log record, span or
   * whole metric), so that splitting always progresses; returns the items moved. A metric is
   * never split, so one with more data points than {@code maxItems} moves alone and exceeds it.
   */
  public int moveItemsUpTo(int maxItems, TelemetryData<E> dest) {
    int n = Math.min(Math.max(1, maxItems), itemCount());
    moveFirstItemsTo(n, dest);
    return n;
  }

  /**
   * Moves the first {@code count} items (log records, metrics, spans), in order, into {@code
   * dest}, creating resource and scope groups there with copies of their identity. Items past
   * {@code count} stay here; groups left empty are removed. Splits batches without copying items.
   * A metric moves whole, with all its data points.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public final void moveFirstItemsTo(int count, TelemetryData<E> dest) {
    if (count > 0 && !resources.isEmpty()) {
      joinClient(this, dest);
    }
    if (estimatedBytes > 0) {
      int total = itemCount();
      long share = total == 0 ? 0 : estimatedBytes * Math.min(count, total) / total;
      dest.estimatedBytes = dest.estimatedBytes() + share;
      estimatedBytes = Math.max(1, estimatedBytes - share);
    } else if (dest.estimatedBytes > 0) {
      dest.estimatedBytes += (long) count * DEFAULT_ITEM_BYTES;
    }
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
