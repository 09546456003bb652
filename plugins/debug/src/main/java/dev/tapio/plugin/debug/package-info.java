/**
 * The {@code debug} exporter (logs, metrics, traces): prints telemetry to standard output, as
 * the Collector's debug exporter does.
 *
 * <p>Configuration keys, with defaults:
 *
 * <ul>
 *   <li>{@code verbosity: basic} — {@code basic} prints one summary line per batch ({@code
 *       LogsExporter #0 resource logs: 1, log records: 100}); {@code normal} adds one line per
 *       log record ({@code <time> <severity> <event name> <body> key=value…}), span ({@code
 *       <start> <name> <kind> <duration> trace_id=… span_id=… status=…}) or metric data point
 *       ({@code <name> <type>{key=value,…} <value>}); {@code detailed} adds the Collector's
 *       multi-line dump of every field instead.
 *   <li>{@code sampling_initial: 2} — batches printed each second before sampling starts.
 *   <li>{@code sampling_thereafter: 1} — after those, every this-many-th batch of the second is
 *       printed; the default 1 prints every batch, 0 prints none beyond the initial ones.
 * </ul>
 *
 * <p>Drop reason: {@code sampled_out}, for items of batches that sampling kept from printing.
 *
 * <p>Not supported yet (refused with the reason; the plugin's README lists them): the
 * Collector's {@code output_paths}, {@code use_internal_logger} and {@code sending_queue}.
 */
package dev.tapio.plugin.debug;
