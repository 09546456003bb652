package dev.tapio.plugin.batch;

import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ScopeMetrics;
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
      from.moveFirstItemsTo(maxItems, to);
      return to.logRecordCount();
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
      from.moveFirstItemsTo(maxItems, to);
      return to.spanCount();
    }
  };

  /**
   * Metrics are counted in data points but moved a whole metric at a time: a batch takes
   * metrics while their points fit in {@code maxItems}, and always at least one metric, so a
   * single metric with more points than the maximum makes a batch larger than the maximum.
   */
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
      int metrics = 0;
      int points = 0;
      PList<ResourceMetrics> resources = from.resourceMetrics();
      scan:
      for (int r = 0; r < resources.size(); r++) {
        PList<ScopeMetrics> scopes = resources.get(r).scopeMetrics();
        for (int s = 0; s < scopes.size(); s++) {
          PList<Metric> list = scopes.get(s).metrics();
          for (int m = 0; m < list.size(); m++) {
            int p = list.get(m).dataPointCount();
            if (metrics > 0 && points + p > maxItems) {
              break scan;
            }
            metrics++;
            points += p;
            if (points >= maxItems) {
              break scan;
            }
          }
        }
      }
      from.moveFirstItemsTo(metrics, to);
      return points;
    }
  };
}
