package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceLogs;
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
    TransformContext tc = groups.tc;
    PList<ResourceLogs> resources = data.resourceLogs();
    for (Groups.Compiled g : groups.groups) {
      for (int i = 0; i < resources.size(); i++) {
        ResourceLogs rl = resources.get(i);
        tc.resource(rl.resource());
        switch (g.context) {
          case RESOURCE -> g.run(tc);
          case SCOPE, LOG -> {
            PList<ScopeLogs> scopes = rl.scopeLogs();
            for (int j = 0; j < scopes.size(); j++) {
              ScopeLogs sl = scopes.get(j);
              tc.scope(sl.scope());
              if (g.context == OttlContext.SCOPE) {
                g.run(tc);
                continue;
              }
              var records = sl.logRecords();
              for (int k = 0; k < records.size(); k++) {
                g.run(tc.log(records.get(k)));
              }
            }
          }
          default -> throw new IllegalStateException(g.context + " in log_statements");
        }
      }
    }
    next.consumeLogs(data);
  }
}
