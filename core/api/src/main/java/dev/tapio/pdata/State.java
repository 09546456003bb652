package dev.tapio.pdata;

/**
 * Shared by every object of one pdata tree (a {@link Logs}, {@link Metrics} or {@link Traces}
 * and all it contains): once the tree is marked read-only, every mutator throws.
 */
final class State {
  volatile boolean readOnly;

  void checkWritable() {
    if (readOnly) {
      throw new IllegalStateException(
          "this telemetry data is read-only: it is shared with other consumers; copy() it first");
    }
  }
}
