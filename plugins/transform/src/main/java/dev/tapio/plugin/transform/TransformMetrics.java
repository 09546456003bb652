package dev.tapio.plugin.transform;

import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.plugin.attributes.Points;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ScopeMetrics;

/**
 * Runs {@code metric_statements}: each group over the whole batch at its context (resource,
 * scope, metric or data point), groups in order. Threading: its pipeline's thread only.
 * Ownership: mutates; read-only data is copied first.
 */
final class TransformMetrics implements MetricsProcessor {
  private final Groups groups;
  private final MetricsConsumer next;

  TransformMetrics(Groups groups, MetricsConsumer next) {
    this.groups = groups;
    this.next = next;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    if (groups.isEmpty()) {
      next.consumeMetrics(metrics);
      return;
    }
    Metrics data = metrics.isReadOnly() ? metrics.copy() : metrics;
    groups.run(data.resourceMetrics(), TransformMetrics::metrics);
    next.consumeMetrics(data);
  }

  private static void metrics(Groups.Compiled g, TransformContext tc, ScopeMetrics scope) {
    PList<Metric> list = scope.metrics();
    for (int k = 0; k < list.size(); k++) {
      Metric m = list.get(k);
      tc.metric(m);
      if (g.context == OttlContext.METRIC) {
        g.run(tc);
      } else {
        points(g, tc, m);
      }
    }
  }

  private static void points(Groups.Compiled g, TransformContext tc, Metric m) {
    PList<? extends DataPoint> points = Points.of(m);
    if (points == null) {
      return;
    }
    for (int i = 0; i < points.size(); i++) {
      g.run(tc.dataPoint(points.get(i)));
    }
  }
}
