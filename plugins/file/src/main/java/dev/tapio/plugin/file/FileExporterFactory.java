package dev.tapio.plugin.file;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** The {@code file} exporter: OTLP-JSON lines, one per batch, with size-based rotation. */
@Extension
public final class FileExporterFactory implements ExporterFactory<FileExporterConfig> {
  private static final String UNCOMPRESSED = "files are written uncompressed";
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.ofEntries(
      Map.entry("append", "an existing file is always appended to, never truncated"),
      Map.entry("compression", UNCOMPRESSED),
      Map.entry("compression_params", UNCOMPRESSED),
      Map.entry("create_directory", "the directories above path are always created"),
      Map.entry("directory_permissions", "directories are created with the process's umask"),
      Map.entry("encoding", "Tapio has no encoding extensions; lines are OTLP JSON (format:"
          + " json)"),
      Map.entry("group_by", "an exporter writes the one file at path, not a file per value of a"
          + " resource attribute"),
      Map.entry("rotation.localtime", "rotated files are named by UTC time"),
      Map.entry("rotation.max_days", "rotated files are kept by number (max_backups), not by"
          + " age"));

  public FileExporterFactory() {}

  @Override
  public String type() {
    return "file";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Appends telemetry to a file as OTLP-JSON lines, one per batch, rotating by size.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public FileExporterConfig createDefaultConfig() {
    return FileExporterConfig.DEFAULT;
  }

  @Override
  public FileExporterConfig readConfig(ConfigReader r) {
    FileExporterConfig d = FileExporterConfig.DEFAULT;
    String path = r.string("path", d.path());
    ConfigReader rotation = r.section("rotation");
    int maxMegabytes = rotation.integer("max_megabytes", d.rotation().maxMegabytes());
    int maxBackups = rotation.integer("max_backups", d.rotation().maxBackups());
    var flushInterval = r.duration("flush_interval", d.flushInterval());
    String format = r.string("format", d.format());
    return new FileExporterConfig(path, new FileExporterConfig.Rotation(maxMegabytes, maxBackups),
        flushInterval, format);
  }

  @Override
  public LogsExporter createLogs(ComponentContext context, FileExporterConfig config) {
    return new FileExporter(context, config);
  }

  @Override
  public MetricsExporter createMetrics(ComponentContext context, FileExporterConfig config) {
    return new FileExporter(context, config);
  }

  @Override
  public TracesExporter createTraces(ComponentContext context, FileExporterConfig config) {
    return new FileExporter(context, config);
  }
}
