package dev.tapio.plugin.file;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;

/**
 * Configuration of the {@code file} exporter; see the package documentation for the keys.
 *
 * @param path the file to append OTLP-JSON lines to; required
 * @param rotation when to start a new file and how many old ones to keep
 * @param flushInterval the longest time a written batch may stay in the buffer
 * @param format the encoding; only {@code json}
 */
public record FileExporterConfig(String path, Rotation rotation, Duration flushInterval,
    String format) implements ComponentConfig {

  static final FileExporterConfig DEFAULT =
      new FileExporterConfig("", Rotation.DEFAULT, Duration.ofSeconds(1), "json");

  /**
   * Size-based rotation, with the Collector's keys.
   *
   * @param maxMegabytes the size (MiB) a file may reach before a new one is started; 0 never
   *     rotates
   * @param maxBackups rotated files to keep, the oldest deleted first; 0 keeps all
   */
  public record Rotation(int maxMegabytes, int maxBackups) {
    static final Rotation DEFAULT = new Rotation(100, 100);
  }

  public FileExporterConfig {
    path = path == null ? "" : path;
    rotation = rotation == null ? Rotation.DEFAULT : rotation;
    flushInterval = flushInterval == null ? Duration.ofSeconds(1) : flushInterval;
    format = format == null ? "json" : format;
  }

  long maxBytes() {
    return rotation.maxMegabytes() * 1024L * 1024L;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (path.isBlank()) {
      problems.error("path", "is required: the file to write OTLP-JSON lines to");
    }
    if (rotation.maxMegabytes() < 0) {
      problems.error("rotation.max_megabytes", "must be >= 0 (0 = never rotate)");
    }
    if (rotation.maxBackups() < 0) {
      problems.error("rotation.max_backups", "must be >= 0 (0 = keep all)");
    }
    if (flushInterval.isNegative()) {
      problems.error("flush_interval", "must not be negative (0 = flush every batch)");
    }
    if (format.equalsIgnoreCase("proto")) {
      problems.error("format", "only json is supported; proto is not yet");
    } else if (!format.equalsIgnoreCase("json")) {
      problems.error("format", "unknown format '" + format + "': only json is supported");
    }
  }
}
