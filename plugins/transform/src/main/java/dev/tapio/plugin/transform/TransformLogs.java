package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;

/**
 * Runs {@code log_statements}: each group over the whole batch at its context (resource, scope
 * or log record), groups in order. Threading: its pipeline's thread only. Ownership: mutates;
 * read-only data is copied first.
 */
final class TransformLogs implements LogsProcessor {
  private final Groups groups;
  private final LogsConsumer next;

  TransformLogs(Groups groups, LogsConsumer next) {
    this.groups = groups;
    this.next = next;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeLogs(Logs logs) {
    if (groups.isEmpty()) {
      next.consumeLogs(logs);
      return;
    }
    Logs data = logs.isReadOnly() ? logs.copy() : logs;
    groups.run(data.resourceLogs(), TransformLogs::records);
    next.consumeLogs(data);
  }

  private static void records(Groups.Compiled g, TransformContext tc, ScopeLogs scope) {
    if (g.context != OttlContext.LOG) {
      throw new IllegalStateException(g.context + " in log_statements");
    }
    var records = scope.logRecords();
    for (int k = 0; k < records.size(); k++) {
      g.run(tc.log(records.get(k)));
    }
  }
}
