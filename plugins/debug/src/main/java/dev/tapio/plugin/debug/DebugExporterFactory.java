package dev.tapio.plugin.debug;

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

/** The {@code debug} exporter: prints telemetry to standard output, as the Collector's does. */
@Extension
public final class DebugExporterFactory implements ExporterFactory<DebugConfig> {

  public DebugExporterFactory() {}

  @Override
  public String type() {
    return "debug";
  }

  /** The Collector's {@code logging} exporter, which {@code debug} replaced. */
  @Override
  public java.util.Set<String> aliases() {
    return java.util.Set.of("logging");
  }

  @Override
  public String deprecation(String alias) {
    return "the 'logging' exporter is deprecated (the Collector replaced it by 'debug' and then"
        + " removed it); this runs the debug exporter: rename it to 'debug'";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return Map.of(
        "output_paths", "the debug exporter always writes to standard output; the file exporter"
            + " writes to a file",
        "use_internal_logger", "the debug exporter always writes to standard output",
        "sending_queue", "the debug exporter prints each batch as it arrives, without a queue");
  }

  @Override
  public Stability stability() {
    return Stability.DEVELOPMENT;
  }

  @Override
  public String description() {
    return "Prints telemetry to standard output: a summary, one line per item, or every field.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public DebugConfig createDefaultConfig() {
    return DebugConfig.DEFAULT;
  }

  @Override
  public DebugConfig readConfig(ConfigReader r) {
    DebugConfig d = DebugConfig.DEFAULT;
    DebugConfig.Verbosity verbosity = d.verbosity();
    if (r.has("loglevel")) {
      // The logging exporter's key, as the Collector mapped it onto verbosity.
      String level = r.string("loglevel", "info").strip().toLowerCase(java.util.Locale.ROOT);
      verbosity = switch (level) {
        case "debug" -> DebugConfig.Verbosity.DETAILED;
        case "info" -> DebugConfig.Verbosity.NORMAL;
        case "warn", "error" -> DebugConfig.Verbosity.BASIC;
        default -> {
          r.error("loglevel", "unknown loglevel '" + level + "'; valid: debug, info, warn,"
              + " error (or use verbosity: basic, normal, detailed)");
          yield verbosity;
        }
      };
      r.warning("loglevel", "loglevel is deprecated; it is read as verbosity: "
          + verbosity.name().toLowerCase(java.util.Locale.ROOT));
    }
    return new DebugConfig(
        r.enumValue("verbosity", DebugConfig.Verbosity.class, verbosity),
        r.integer("sampling_initial", d.samplingInitial()),
        r.integer("sampling_thereafter", d.samplingThereafter()));
  }

  @Override
  public LogsExporter createLogs(ComponentContext context, DebugConfig config) {
    return new DebugExporter(context, config);
  }

  @Override
  public MetricsExporter createMetrics(ComponentContext context, DebugConfig config) {
    return new DebugExporter(context, config);
  }

  @Override
  public TracesExporter createTraces(ComponentContext context, DebugConfig config) {
    return new DebugExporter(context, config);
  }
}
