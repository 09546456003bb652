package dev.tapio.pdata;

/** A batch of log records grouped by resource and scope. See {@link TelemetryData}. */
public final class Logs extends TelemetryData<ResourceLogs> {

  public Logs() {
    super(ResourceLogs::new);
  }

  public PList<ResourceLogs> resourceLogs() {
    return resources;
  }

  public int logRecordCount() {
    int n = 0;
    for (int i = 0; i < resources.size(); i++) {
      PList<ScopeLogs> scopes = resources.get(i).scopes;
      for (int j = 0; j < scopes.size(); j++) {
        n += scopes.get(j).items.size();
      }
    }
    return n;
  }

  @Override
  public int itemCount() {
    return logRecordCount();
  }

  /** A deep, writable copy. */
  public Logs copy() {
    Logs copy = new Logs();
    copyInto(copy);
    return copy;
  }
}
