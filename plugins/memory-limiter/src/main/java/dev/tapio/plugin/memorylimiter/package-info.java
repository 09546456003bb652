/**
 * The {@code memory_limiter} processor: refuses data while the JVM heap is above a limit, so
 * that receivers push back (OTLP clients get a retryable error) instead of the process running
 * out of memory. The OpenTelemetry Collector's memory limiter, measured on the Java heap.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   memory_limiter:
 *     check_interval: 1s
 *     limit_mib: 1500            # or limit_percentage: 80
 *     spike_limit_mib: 300       # or spike_limit_percentage: 20
 * }</pre>
 *
 * <ul>
 *   <li>{@code check_interval} (default {@code 1s}, must be greater than zero): time between
 *       heap measurements.
 *   <li>{@code limit_mib} (default {@code 0}): the hard limit in MiB of used heap. Takes
 *       precedence over {@code limit_percentage}. One of the two must be set.
 *   <li>{@code spike_limit_mib} (default {@code 0}, meaning 20% of {@code limit_mib}): the
 *       margin below the hard limit; must be smaller than {@code limit_mib}.
 *   <li>{@code limit_percentage} (default {@code 0}): the hard limit in percent of the maximum
 *       heap ({@code Runtime.maxMemory()}, i.e. {@code -Xmx}), 1..100. Used when
 *       {@code limit_mib} is 0.
 *   <li>{@code spike_limit_percentage} (default {@code 0}): the margin in percent of the maximum
 *       heap, used with {@code limit_percentage}; must be smaller than it.
 *   <li>{@code min_gc_interval_when_soft_limited} (default {@code 10s}) and
 *       {@code min_gc_interval_when_hard_limited} (default {@code 0}, every check): least time
 *       between forced GCs above the soft and hard limit; the first must not be smaller.
 * </ul>
 *
 * <h2>Behaviour</h2>
 *
 * <p>The soft limit is the hard limit minus the spike margin. Every {@code check_interval} a
 * check thread ({@code tapio-memory-limiter-<id>-<signal>}, daemon) reads the used heap
 * ({@code totalMemory - freeMemory}). Above the soft limit it calls {@code System.gc()} (at most
 * once per {@code min_gc_interval_when_soft_limited}), above the hard limit likewise per
 * {@code min_gc_interval_when_hard_limited}, and measures again; if usage is still above the
 * soft limit, every consume call until the next check throws a retryable
 * {@code ConsumerException} ("memory usage above soft limit ...") and the component reports
 * {@code degraded} on {@code /readyz}. Refused data is not dropped: the caller still owns it and
 * may retry, so it is counted in {@code tapio_memory_limiter_refused_total{signal}} rather than
 * in the dropped counters. Signals: logs, metrics, traces; the data is never changed.
 *
 * <p>Differences from the Collector: each pipeline using the processor gets its own instance and
 * check thread (the Collector shares one per component id); the measurement is the Java heap,
 * not the process's memory; the {@code admission} model is not supported; forced GCs that free
 * little do not back off, so {@code max_gc_interval_when_soft_limited} and
 * {@code max_gc_interval_when_hard_limited} are refused as not supported yet (the plugin's
 * README lists them).
 */
package dev.tapio.plugin.memorylimiter;
