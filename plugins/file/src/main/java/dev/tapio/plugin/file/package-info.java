/**
 * The {@code file} exporter (logs, metrics, traces): appends each batch as one line of OTLP JSON
 * ({@code ExportLogsServiceRequest}, {@code ExportMetricsServiceRequest} or {@code
 * ExportTraceServiceRequest} in the OTLP JSON encoding: lowerCamelCase keys, hex trace and span
 * ids, enums as numbers, 64-bit integers as strings) to a file, rotating it by size. Exporters of
 * several signals given the same path share one file.
 *
 * <p>Configuration keys, with defaults:
 *
 * <ul>
 *   <li>{@code path} — required; the file to append to. Parent directories are created; an
 *       existing file is appended to.
 *   <li>{@code rotation.max_megabytes: 100} — when the next line would take the file past this
 *       size (MiB), it is renamed to {@code <name>-<UTC time>.<ext>} (e.g. {@code
 *       out-2026-11-21T22-31-58.123.json}) and a new file started; 0 never rotates.
 *   <li>{@code rotation.max_backups: 100} — rotated files to keep, the oldest deleted first; 0
 *       keeps all.
 *   <li>{@code flush_interval: 1s} — the longest a written batch stays buffered before reaching
 *       the file; 0 flushes every batch. Shutdown always flushes.
 *   <li>{@code format: json} — only {@code json} is supported ({@code proto} is refused).
 * </ul>
 *
 * <p>Not supported yet (refused with what Tapio does instead; the plugin's README lists them):
 * the Collector's {@code append} (Tapio always appends), {@code compression},
 * {@code create_directory} (always), {@code directory_permissions}, {@code encoding},
 * {@code group_by}, {@code rotation.localtime} and {@code rotation.max_days}.
 *
 * <p>Drops nothing itself: a failed write is refused as retryable, naming the file and the reason.
 *
 * <p>The OTLP JSON encoder is tapio-otlp's {@code OtlpJsonEncoder}, shaded into this plugin's
 * jar with jackson-core (which the codec's decoder needs).
 */
package dev.tapio.plugin.file;
