package dev.tapio.pdata;

/** The log records of one instrumentation scope. Not thread-safe. */
public final class ScopeLogs extends ScopeEntry<LogRecord> {
  ScopeLogs(State state) {
    super(state, LogRecord::new);
  }

  public PList<LogRecord> logRecords() {
    return items;
  }

  @Override
  void copyItem(LogRecord from, LogRecord to) {
    to.copyFrom(from);
  }
}
