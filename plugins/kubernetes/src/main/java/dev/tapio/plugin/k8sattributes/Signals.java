package dev.tapio.plugin.k8sattributes;

import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ScopeEntry;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.ScopeSpans;

/**
 * The record level of a signal: the attributes of each log record or span, by scope and index,
 * so the processor walks every signal with the same loops and no iterator.
 */
enum Signals {
  LOGS {
    @Override
    int records(ScopeEntry<?> scope) {
      return ((ScopeLogs) scope).logRecords().size();
    }

    @Override
    Attributes attributes(ScopeEntry<?> scope, int i) {
      return ((ScopeLogs) scope).logRecords().get(i).attributes();
    }
  },
  TRACES {
    @Override
    int records(ScopeEntry<?> scope) {
      return ((ScopeSpans) scope).spans().size();
    }

    @Override
    Attributes attributes(ScopeEntry<?> scope, int i) {
      return ((ScopeSpans) scope).spans().get(i).attributes();
    }
  },
  /**
   * Metrics are matched by their resource only: a data point's attributes are dimensions of a
   * time series, and adding pod names to some points would split series.
   */
  METRICS {
    @Override
    int records(ScopeEntry<?> scope) {
      return 0;
    }

    @Override
    Attributes attributes(ScopeEntry<?> scope, int i) {
      throw new IndexOutOfBoundsException(i);
    }
  };

  abstract int records(ScopeEntry<?> scope);

  abstract Attributes attributes(ScopeEntry<?> scope, int i);
}
