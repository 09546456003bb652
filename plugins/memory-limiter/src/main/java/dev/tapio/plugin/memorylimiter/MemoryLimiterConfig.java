package dev.tapio.plugin.memorylimiter;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;

/**
 * Configuration of the {@code memory_limiter} processor; see the package documentation.
 * Limits in MiB take precedence over percentages, as in the Collector.
 *
 * @param checkInterval time between heap measurements; must be positive
 * @param limitMib hard limit in MiB; 0 to use {@code limitPercentage}
 * @param spikeLimitMib margin below the hard limit where refusing starts; 0 means 20% of
 *     {@code limitMib}
 * @param limitPercentage hard limit in percent of the maximum heap, used when limitMib is 0
 * @param spikeLimitPercentage margin in percent of the maximum heap, with limitPercentage
 * @param minGcIntervalWhenSoftLimited least time between forced GCs above the soft limit
 * @param minGcIntervalWhenHardLimited least time between forced GCs above the hard limit
 */
public record MemoryLimiterConfig(
    Duration checkInterval,
    long limitMib,
    long spikeLimitMib,
    int limitPercentage,
    int spikeLimitPercentage,
    Duration minGcIntervalWhenSoftLimited,
    Duration minGcIntervalWhenHardLimited) implements ComponentConfig {

  static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED = Duration.ofSeconds(10);
  static final Duration DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED = Duration.ZERO;
  private static final long MAX_MIB = 0xFFFF_FFFFL;

  public MemoryLimiterConfig {
    checkInterval = checkInterval == null ? DEFAULT_CHECK_INTERVAL : checkInterval;
    minGcIntervalWhenSoftLimited = minGcIntervalWhenSoftLimited == null
        ? DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED : minGcIntervalWhenSoftLimited;
    minGcIntervalWhenHardLimited = minGcIntervalWhenHardLimited == null
        ? DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED : minGcIntervalWhenHardLimited;
  }

  /** No limit set: invalid until limit_mib or limit_percentage is configured. */
  static MemoryLimiterConfig defaults() {
    return new MemoryLimiterConfig(DEFAULT_CHECK_INTERVAL, 0, 0, 0, 0,
        DEFAULT_MIN_GC_INTERVAL_WHEN_SOFT_LIMITED, DEFAULT_MIN_GC_INTERVAL_WHEN_HARD_LIMITED);
  }

  /** The hard limit in bytes for a heap of at most {@code maxHeapBytes}. */
  long hardLimitBytes(long maxHeapBytes) {
    if (limitMib > 0) {
      return limitMib << 20;
    }
    return percentOf(maxHeapBytes, limitPercentage);
  }

  /** The soft limit (hard limit minus the spike margin) in bytes. */
  long softLimitBytes(long maxHeapBytes) {
    long hard = hardLimitBytes(maxHeapBytes);
    if (limitMib > 0) {
      return hard - (spikeLimitMib > 0 ? spikeLimitMib << 20 : hard / 5);
    }
    return hard - percentOf(maxHeapBytes, spikeLimitPercentage);
  }

  private static long percentOf(long bytes, int percent) {
    return bytes / 100 * percent;
  }

  // The messages are the Collector's, so that its users recognise them.
  @Override
  public void validate(ConfigProblems problems) {
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      problems.error("check_interval", "'check_interval' must be greater than zero");
    }
    if (minGcIntervalWhenSoftLimited.compareTo(minGcIntervalWhenHardLimited) < 0) {
      problems.error("min_gc_interval_when_soft_limited", "'min_gc_interval_when_soft_limited'"
          + " should be larger than 'min_gc_interval_when_hard_limited'");
    }
    if (limitMib < 0 || limitMib > MAX_MIB) {
      problems.error("limit_mib", "must be between 0 and " + MAX_MIB + ", got " + limitMib);
    }
    if (spikeLimitMib < 0 || spikeLimitMib > MAX_MIB) {
      problems.error("spike_limit_mib", "must be between 0 and " + MAX_MIB + ", got "
          + spikeLimitMib);
    }
    if (limitMib == 0 && limitPercentage == 0) {
      problems.error("", "'limit_mib' or 'limit_percentage' must be greater than zero");
    }
    if (limitPercentage < 0 || limitPercentage > 100) {
      problems.error("limit_percentage", "'limit_percentage' and 'spike_limit_percentage' must"
          + " be greater than zero and less than or equal to hundred");
    }
    if (spikeLimitPercentage < 0 || spikeLimitPercentage > 100) {
      problems.error("spike_limit_percentage", "'limit_percentage' and 'spike_limit_percentage'"
          + " must be greater than zero and less than or equal to hundred");
    }
    if (limitMib > 0 && limitMib <= spikeLimitMib) {
      problems.error("spike_limit_mib", "'spike_limit_mib' must be smaller than 'limit_mib'");
    }
    if (limitPercentage > 0 && limitPercentage <= spikeLimitPercentage) {
      problems.error("spike_limit_percentage",
          "'spike_limit_percentage' must be smaller than 'limit_percentage'");
    }
  }
}
