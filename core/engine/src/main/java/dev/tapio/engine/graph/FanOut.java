package dev.tapio.engine.graph;

import dev.tapio.pdata.TelemetryData;
import java.util.List;

/**
 * Hands one batch to several sinks, as the Collector's fanoutconsumer does: sinks that mutate get
 * their own copy, all others share the original marked read-only. With one sink the batch passes
 * untouched. Copies are made before any sink sees the data. Thread-safe if the sinks are.
 */
final class FanOut<T extends TelemetryData<?>> implements DataSink<T> {
  private final SignalAdapter<T> adapter;
  private final DataSink<T>[] mutating;
  private final DataSink<T>[] readOnly;

  @SuppressWarnings("unchecked")
  FanOut(SignalAdapter<T> adapter, List<DataSink<T>> sinks) {
    this.adapter = adapter;
    this.mutating = sinks.stream().filter(DataSink::mutates).toArray(DataSink[]::new);
    this.readOnly = sinks.stream().filter(s -> !s.mutates()).toArray(DataSink[]::new);
  }

  /** One sink needs no fan-out; else a FanOut. */
  static <T extends TelemetryData<?>> DataSink<T> of(
      SignalAdapter<T> adapter, List<DataSink<T>> sinks) {
    return sinks.size() == 1 ? sinks.get(0) : new FanOut<>(adapter, sinks);
  }

  @Override
  public void consume(T data) {
    int m = mutating.length;
    if (m == 0) {
      shareReadOnly(data, null);
      return;
    }
    // The last mutating sink may take the original when nobody else reads it.
    int copies = readOnly.length == 0 ? m - 1 : m;
    @SuppressWarnings("unchecked")
    T[] own = (T[]) new TelemetryData<?>[m];
    for (int i = 0; i < copies; i++) {
      own[i] = adapter.copy(data);
    }
    if (copies < m) {
      own[m - 1] = data;
    }
    RuntimeException failure = null;
    for (int i = 0; i < m; i++) {
      try {
        mutating[i].consume(own[i]);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    shareReadOnly(data, failure);
  }

  private void shareReadOnly(T data, RuntimeException earlier) {
    RuntimeException failure = earlier;
    if (readOnly.length > 0) {
      data.markReadOnly();
      for (DataSink<T> s : readOnly) {
        try {
          s.consume(data);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Writable data is needed when any sink mutates: one of them may get the original. */
  @Override
  public boolean mutates() {
    return mutating.length > 0;
  }
}
