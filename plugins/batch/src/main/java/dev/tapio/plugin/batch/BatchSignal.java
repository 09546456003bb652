package dev.tapio.plugin.batch;

import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;

/**
 * What {@link Batcher} needs to know about one signal's data type. Stateless and thread-safe;
 * the data passed in is owned by the calling thread.
 *
 * @param <T> the pdata root type
 */
interface BatchSignal<T extends TelemetryData<?>> {

  T create();

  /** {@code data} itself when it may be changed, else a writable copy. */
  T writable(T data);

  /** Moves all of {@code from} to the end of {@code to}. */
  void append(T from, T to);

  /**
   * Moves the first items of {@code from}, at most {@code maxItems} of them where the data
   * allows, into the empty {@code to}; returns the number of items moved.
   */
  int moveFirst(T from, int maxItems, T to);

  /** True when {@code data} has no resource group at all (not even one without items). */
  static boolean isEmpty(TelemetryData<?> data) {
    return switch (data) {
      case Logs l -> l.resourceLogs().isEmpty();
      case Metrics m -> m.resourceMetrics().isEmpty();
      case Traces t -> t.resourceSpans().isEmpty();
    };
  }

  BatchSignal<Logs> LOGS = new BatchSignal<>() {
    @Override
    public Logs create() {
      return new Logs();
    }

    @Override
    public Logs writable(Logs data) {
      return data.isReadOnly() ? data.copy() : data;
    }

    @Override
    public void append(Logs from, Logs to) {
      from.moveTo(to);
    }

    @Override
    public int moveFirst(Logs from, int maxItems, Logs to) {
      return from.moveItemsUpTo(maxItems, to);
    }
  };

  BatchSignal<Traces> TRACES = new BatchSignal<>() {
    @Override
    public Traces create() {
      return new Traces();
    }

    @Override
    public Traces writable(Traces data) {
      return data.isReadOnly() ? data.copy() : data;
    }

    @Override
    public void append(Traces from, Traces to) {
      from.moveTo(to);
    }

    @Override
    public int moveFirst(Traces from, int maxItems, Traces to) {
      return from.moveItemsUpTo(maxItems, to);
    }
  };

  /** Metrics are counted in data points and moved whole: see {@link Metrics#moveItemsUpTo}. */
  BatchSignal<Metrics> METRICS = new BatchSignal<>() {
    @Override
    public Metrics create() {
      return new Metrics();
    }

    @Override
    public Metrics writable(Metrics data) {
      return data.isReadOnly() ? data.copy() : data;
    }

    @Override
    public void append(Metrics from, Metrics to) {
      from.moveTo(to);
    }

    @Override
    public int moveFirst(Metrics from, int maxItems, Metrics to) {
      return from.moveItemsUpTo(maxItems, to);
    }
  };
}
