package dev.tapio.plugin.filter;

import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.Capabilities;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.ottl.ErrorPolicy;
import dev.tapio.ottl.OttlContext;
import dev.tapio.ottl.TransformContext;
import dev.tapio.pdata.DataPoint;
import dev.tapio.pdata.Metric;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.PList;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ScopeMetrics;
import java.util.function.Predicate;

/**
 * Drops metrics and data points by the OTTL conditions of {@code metrics.resource} (the whole
 * resource), {@code metrics.metric} (the metric with its points) and {@code metrics.datapoint};
 * a metric left without data points is removed, as in the Collector. Dropped data points (the
 * pipeline's items for metrics) are counted with reason {@code filtered} and on
 * {@code otelcol_processor_filter_datapoints_filtered}.
 *
 * <p>Threading: its pipeline's thread only. Ownership: mutates; read-only data is copied first.
 */
final class MetricsFilter implements MetricsProcessor {
  private static final Predicate<ScopeMetrics> EMPTY_SCOPE = s -> s.metrics().isEmpty();
  private static final Predicate<ResourceMetrics> EMPTY_RESOURCE =
      r -> r.scopeMetrics().isEmpty();

  private final ComponentContext context;
  private final MetricsConsumer next;
  private final OttlMatch resource;
  private final OttlMatch metric;
  private final OttlMatch dataPoint;
  private final boolean passAll;
  private final TransformContext tc = new TransformContext();
  private final ComponentContext.Counter filtered;
  private final Predicate<Metric> dropMetric = this::dropMetric;
  private final Predicate<DataPoint> dropPoint = this::dropPoint;

  MetricsFilter(ComponentContext context, FilterConfig config, MetricsConsumer next) {
    this.context = context;
    this.next = next;
    context.dropped(0, LogsFilter.DROP_REASON);
    this.filtered = context.counter("otelcol_processor_filter_datapoints_filtered",
        "Number of metric data points dropped by the filter processor");
    ErrorPolicy errors = new ErrorPolicy(config.errorMode(), context.logger());
    this.resource = new OttlMatch(config.ottl().metricResource(), OttlContext.RESOURCE, errors);
    this.metric = new OttlMatch(config.ottl().metric(), OttlContext.METRIC, errors);
    this.dataPoint = new OttlMatch(config.ottl().dataPoint(), OttlContext.DATAPOINT, errors);
    this.passAll = resource.isEmpty() && metric.isEmpty() && dataPoint.isEmpty();
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.MUTATES;
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    if (passAll) {
      next.consumeMetrics(metrics);
      return;
    }
    Metrics data = metrics.isReadOnly() ? metrics.copy() : metrics;
    int before = data.dataPointCount();
    PList<ResourceMetrics> resources = data.resourceMetrics();
    for (int i = 0; i < resources.size(); i++) {
      ResourceMetrics rm = resources.get(i);
      tc.resource(rm.resource());
      if (!resource.isEmpty() && resource.any(tc)) {
        rm.scopeMetrics().clear();
        continue;
      }
      PList<ScopeMetrics> scopes = rm.scopeMetrics();
      for (int j = 0; j < scopes.size(); j++) {
        ScopeMetrics sm = scopes.get(j);
        tc.scope(sm.scope());
        sm.metrics().removeIf(dropMetric);
      }
      scopes.removeIf(EMPTY_SCOPE);
    }
    resources.removeIf(EMPTY_RESOURCE);
    int kept = data.dataPointCount();
    if (kept < before) {
      context.dropped(before - kept, LogsFilter.DROP_REASON);
      filtered.add(before - kept);
    }
    if (!data.resourceMetrics().isEmpty()) {
      next.consumeMetrics(data);
    }
  }

  private boolean dropMetric(Metric m) {
    tc.metric(m);
    if (!metric.isEmpty() && metric.any(tc)) {
      return true;
    }
    if (dataPoint.isEmpty() || m.dataPointCount() == 0) {
      return false;
    }
    switch (m.type()) {
      case GAUGE, SUM -> m.numberPoints().removeIf(dropPoint);
      case HISTOGRAM -> m.histogramPoints().removeIf(dropPoint);
      case EXPONENTIAL_HISTOGRAM -> m.exponentialHistogramPoints().removeIf(dropPoint);
      case SUMMARY -> m.summaryPoints().removeIf(dropPoint);
      default -> {
        return false;
      }
    }
    return m.dataPointCount() == 0;
  }

  private boolean dropPoint(DataPoint p) {
    return dataPoint.any(tc.dataPoint(p));
  }
}
