package dev.tapio.pdata;

/** The logs of one resource. Not thread-safe. */
public final class ResourceLogs extends ResourceEntry<ScopeLogs> {
  ResourceLogs(State state) {
    super(state, ScopeLogs::new);
  }

  public PList<ScopeLogs> scopeLogs() {
    return scopes;
  }
}
