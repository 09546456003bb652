package dev.tapio.plugin.memorylimiter;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Creates {@code memory_limiter} processors. Stateless and thread-safe. */
@Extension
public final class MemoryLimiterFactory implements ProcessorFactory<MemoryLimiterConfig> {
  private static final String NO_GC_BACKOFF = "forced GCs do not back off when they free"
      + " little; the min_gc_interval_when_* keys space them";

  public MemoryLimiterFactory() {}

  @Override
  public String type() {
    return "memory_limiter";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return Map.of(
        "max_gc_interval_when_soft_limited", NO_GC_BACKOFF,
        "max_gc_interval_when_hard_limited", NO_GC_BACKOFF);
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Refuses data while heap usage is above a limit, so that receivers push back";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public MemoryLimiterConfig createDefaultConfig() {
    return MemoryLimiterConfig.defaults();
  }

  @Override
  public MemoryLimiterConfig readConfig(ConfigReader reader) {
    MemoryLimiterConfig d = createDefaultConfig();
    return new MemoryLimiterConfig(
        reader.duration("check_interval", d.checkInterval()),
        reader.longValue("limit_mib", d.limitMib()),
        reader.longValue("spike_limit_mib", d.spikeLimitMib()),
        reader.integer("limit_percentage", d.limitPercentage()),
        reader.integer("spike_limit_percentage", d.spikeLimitPercentage()),
        reader.duration("min_gc_interval_when_soft_limited", d.minGcIntervalWhenSoftLimited()),
        reader.duration("min_gc_interval_when_hard_limited", d.minGcIntervalWhenHardLimited()));
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, MemoryLimiterConfig config,
      LogsConsumer next) {
    return logs(new MemoryLimiter(context, config), next);
  }

  @Override
  public MetricsProcessor createMetrics(ComponentContext context, MemoryLimiterConfig config,
      MetricsConsumer next) {
    return metrics(new MemoryLimiter(context, config), next);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context, MemoryLimiterConfig config,
      TracesConsumer next) {
    return traces(new MemoryLimiter(context, config), next);
  }

  static LogsProcessor logs(MemoryLimiter limiter, LogsConsumer next) {
    return new LimitingProcessor(limiter, next, null, null);
  }

  static MetricsProcessor metrics(MemoryLimiter limiter, MetricsConsumer next) {
    return new LimitingProcessor(limiter, null, next, null);
  }

  static TracesProcessor traces(MemoryLimiter limiter, TracesConsumer next) {
    return new LimitingProcessor(limiter, null, null, next);
  }
}
