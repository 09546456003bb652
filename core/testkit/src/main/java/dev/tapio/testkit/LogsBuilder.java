package dev.tapio.testkit;

import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;

/** Builds small {@link Logs} batches for tests. Not thread-safe. */
public final class LogsBuilder {
  private LogsBuilder() {}

  /**
   * One resource ({@code service.name=test}), one scope, {@code count} records with bodies
   * {@code "<prefix>-0"…}, attribute {@code seq} = index, severity INFO.
   */
  public static Logs logs(String prefix, int count) {
    Logs logs = new Logs();
    var rl = logs.resourceLogs().appendEmpty();
    rl.resource().attributes().putString("service.name", "test");
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    sl.scope().setName("tapio.test");
    for (int i = 0; i < count; i++) {
      LogRecord r = sl.logRecords().appendEmpty();
      r.setTimeUnixNano(1_700_000_000_000_000_000L + i)
          .setSeverity(Severity.INFO)
          .setBody(prefix + "-" + i);
      r.attributes().putLong("seq", i);
    }
    return logs;
  }
}
