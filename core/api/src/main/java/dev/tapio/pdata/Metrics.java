package dev.tapio.pdata;

/**
 * A batch of metrics grouped by resource and scope. Items are counted in data points, as the
 * Collector does. See {@link TelemetryData}.
 */
public final class Metrics extends TelemetryData<ResourceMetrics> {

  public Metrics() {
    super(ResourceMetrics::new);
  }

  public PList<ResourceMetrics> resourceMetrics() {
    return resources;
  }

  public int metricCount() {
    int n = 0;
    for (ResourceMetrics rm : resources) {
      for (ScopeMetrics sm : rm.scopes) {
        n += sm.items.size();
      }
    }
    return n;
  }

  public int dataPointCount() {
    int n = 0;
    for (ResourceMetrics rm : resources) {
      for (ScopeMetrics sm : rm.scopes) {
        for (int i = 0; i < sm.items.size(); i++) {
          n += sm.items.get(i).dataPointCount();
        }
      }
    }
    return n;
  }

  @Override
  public int itemCount() {
    return dataPointCount();
  }

  /** Counts data points, moving whole metrics; see {@link TelemetryData#moveItemsUpTo}. */
  @Override
  public int moveItemsUpTo(int maxPoints, TelemetryData<ResourceMetrics> dest) {
    int metrics = 0;
    int points = 0;
    scan:
    for (ResourceMetrics rm : resources) {
      for (ScopeMetrics sm : rm.scopes) {
        for (int m = 0; m < sm.items.size(); m++) {
          int p = sm.items.get(m).dataPointCount();
          if (metrics > 0 && points + p > maxPoints) {
            break scan;
          }
          metrics++;
          points += p;
          if (points >= maxPoints) {
            break scan;
          }
        }
      }
    }
    moveFirstItemsTo(metrics, dest);
    return points;
  }

  /** A deep, writable copy. */
  public Metrics copy() {
    Metrics copy = new Metrics();
    copyInto(copy);
    return copy;
  }
}
