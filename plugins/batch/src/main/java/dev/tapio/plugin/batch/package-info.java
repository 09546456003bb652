/**
 * The {@code batch} processor: groups log records, spans and metric data points into larger
 * batches before they reach exporters, with the OpenTelemetry Collector's semantics.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   batch:
 *     send_batch_size: 8192      # items that trigger a send (0: send on every call)
 *     send_batch_max_size: 0     # upper bound of a batch in items; 0 = no bound
 *     timeout: 200ms             # how long the first buffered item may wait; 0 = no buffering
 * }</pre>
 *
 * <ul>
 *   <li>{@code send_batch_size} (default {@code 8192}): when at least this many items are
 *       pending, they are sent at once, regardless of the timeout.
 *   <li>{@code send_batch_max_size} (default {@code 0}, no bound): must be 0 or at least
 *       {@code send_batch_size}; larger batches are split, keeping order, into batches of at
 *       most this many items.
 *   <li>{@code timeout} (default {@code 200ms}): a batch is sent this long after its first item
 *       was buffered even when it is smaller than {@code send_batch_size}. {@code 0} sends every
 *       incoming batch at once (split to {@code send_batch_max_size}) and starts no timer.
 * </ul>
 *
 * <p>Items are log records, spans and metric data points. Metrics are split a whole metric at a
 * time (the Collector splits inside a metric): a batch takes metrics while their data points fit
 * in {@code send_batch_max_size}, and a single metric with more points than that is sent alone,
 * as a batch over the bound.
 *
 * <p>Not supported yet (refused with the reason; the plugin's README lists them): the Collector's
 * {@code metadata_keys} and {@code metadata_cardinality_limit}.
 *
 * <h2>Behaviour</h2>
 *
 * <p>Signals: logs, metrics, traces. Capabilities: mutates (it takes ownership of incoming data
 * and moves it into the pending batch without copying records). One timer thread per processor
 * instance, a daemon named {@code tapio-batch-<id>-<signal>}. Shutdown sends everything
 * pending. When the next consumer throws, the batch is dropped and counted with reason
 * {@code downstream_refused}; the failure is logged at most once a minute.
 */
package dev.tapio.plugin.batch;
