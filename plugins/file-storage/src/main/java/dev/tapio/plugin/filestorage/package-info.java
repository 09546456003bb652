/**
 * The {@code file_storage} extension: exporters name it in {@code sending_queue.storage} to keep
 * their queue on disk (see {@code dev.tapio.exporterhelper.SendingQueue}).
 *
 * <p>Configuration keys, with defaults:
 *
 * <ul>
 *   <li>{@code directory} — required; created if absent. Each exporter and signal gets the
 *       subdirectory {@code <type>_<name>_<signal>}.
 *   <li>{@code fsync: true} — force each accepted batch to disk before acknowledging it; false
 *       still survives kill -9 (the page cache outlives the process) but not a power loss.
 * </ul>
 *
 * <p>Not supported yet (refused with what Tapio does instead; the plugin's README lists them):
 * the Collector's {@code compaction}, {@code create_directory}, {@code directory_permissions},
 * {@code max_size}, {@code recreate} and {@code timeout}, most of which concern its bbolt
 * database file.
 */
package dev.tapio.plugin.filestorage;
