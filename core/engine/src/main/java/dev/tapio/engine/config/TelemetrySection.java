package dev.tapio.engine.config;

import dev.tapio.engine.config.ConfigNode.Scalar;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code service.telemetry}: the metrics endpoint in the Collector's old form ({@code
 * address: host:port}) or its newer one ({@code readers: [{pull: {exporter: {prometheus: {host,
 * port}}}}]}), and the log level. Collector settings Tapio has no use for are accepted with a
 * warning, so that a Collector config still loads. Stateless.
 */
final class TelemetrySection {

  private static final List<String> IGNORED_LOGS_KEYS = List.of("development", "encoding",
      "disable_caller", "disable_stacktrace", "sampling", "output_paths", "error_output_paths",
      "initial_fields", "processors");
  private static final List<String> IGNORED_KEYS = List.of("traces", "resource");

  private TelemetrySection() {}

  enum MetricsLevel {
    NONE,
    BASIC,
    NORMAL,
    DETAILED
  }

  enum LogsLevel {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  static TelemetrySpec read(SectionReader telemetry, Problems problems) {
    TelemetrySpec defaults = TelemetrySpec.DEFAULT;
    SectionReader metrics = telemetry.child("metrics");
    MetricsLevel metricsLevel = metrics.enumValue("level", MetricsLevel.class, MetricsLevel.NORMAL);
    String host = defaults.metricsHost();
    int port = defaults.metricsPort();

    ConfigNode address = metrics.take("address");
    boolean hasAddress = address instanceof Scalar a && !a.isNull();
    if (address != null && !(address instanceof Scalar)) {
      metrics.invalid("address", address, "expected host:port, got " + address.describe());
    } else if (hasAddress) {
      Scalar a = (Scalar) address;
      HostPort parsed = HostPort.parse(a.value());
      if (parsed == null) {
        metrics.invalid("address", a, "invalid address " + a.describe()
            + ": use host:port with a port from 0 to 65535, e.g. localhost:8888");
      } else {
        host = parsed.host();
        port = parsed.port();
        warnIfEveryInterface(metricsLevel, metrics, "address", parsed);
      }
    }

    // Every reader is read, even one that is then refused, so that its keys are checked too.
    List<SectionReader> readers = metrics.children("readers");
    List<HostPort> endpoints = readers.stream().map(TelemetrySection::prometheus).toList();
    if (!readers.isEmpty() && hasAddress) {
      metrics.error("readers", "set either 'address' or 'readers', not both");
    } else if (readers.size() > 1) {
      metrics.error("readers", "only one metrics reader is supported, got " + readers.size());
    } else if (readers.size() == 1) {
      host = endpoints.getFirst().host();
      port = endpoints.getFirst().port();
      warnIfEveryInterface(metricsLevel, readers.getFirst(), "pull.exporter.prometheus.host",
          endpoints.getFirst());
    }

    SectionReader logs = telemetry.child("logs");
    LogsLevel logsLevel = logs.enumValue("level", LogsLevel.class, LogsLevel.INFO);
    warnIgnored(logs, IGNORED_LOGS_KEYS, "service.telemetry.logs.", problems);
    warnIgnored(telemetry, IGNORED_KEYS, "service.telemetry.", problems);

    return new TelemetrySpec(lower(metricsLevel), host, port, lower(logsLevel));
  }

  /** The endpoint of a {@code pull: {exporter: {prometheus: {host, port}}}} reader. */
  private static HostPort prometheus(SectionReader reader) {
    TelemetrySpec defaults = TelemetrySpec.DEFAULT;
    if (reader.has("periodic")) {
      reader.error("periodic", "periodic (push) readers are not supported; "
          + "use a pull reader with a prometheus exporter");
    } else if (!reader.has("pull")) {
      reader.error("", "a reader needs 'pull' with a prometheus exporter");
    }
    SectionReader prometheus = reader.child("pull").child("exporter").child("prometheus");
    String host = prometheus.string("host", defaults.metricsHost());
    int port = prometheus.integer("port", defaults.metricsPort());
    if (port < 0 || port > 65535) {
      prometheus.error("port", "must be from 0 to 65535");
      port = defaults.metricsPort();
    }
    return new HostPort(host, port);
  }

  /**
   * Warns about an endpoint on every interface: it serves the metrics (and /healthz) to every
   * network the host is on, and a Collector config copied from an example often does so
   * without meaning to. The Collector's security guide advises localhost or the pod's IP.
   */
  private static void warnIfEveryInterface(
      MetricsLevel level, SectionReader section, String key, HostPort at) {
    if (level == MetricsLevel.NONE || !everyInterface(at.host())) {
      return;
    }
    String endpoint = (at.host().contains(":") ? "[" + at.host() + "]" : at.host()) + ":"
        + at.port();
    section.warning(key, "the metrics and health endpoint listens on every network interface ("
        + endpoint + "), so anyone who can reach this host can read it; use localhost:"
        + at.port() + ", or in Kubernetes the pod's IP (${env:MY_POD_IP}:" + at.port()
        + ") so that probes and Prometheus still reach it");
  }

  /** Whether a listener on {@code host} accepts on every interface; never resolves a name. */
  private static boolean everyInterface(String host) {
    if (host.isEmpty()) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(host).isAnyLocalAddress();
    } catch (IllegalArgumentException e) {
      return false; // a host name, or not an address at all
    }
  }

  private static void warnIgnored(
      SectionReader section, List<String> keys, String prefix, Problems problems) {
    for (String key : keys) {
      ConfigNode.Entry entry = section.entry(key);
      if (entry != null) {
        problems.warn(entry.keyLocation(), prefix + key + " is a Collector setting that Tapio "
            + "ignores");
      }
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** {@code host:port}, {@code [::1]:port} or {@code :port} (all interfaces, as in Go). */
  record HostPort(String host, int port) {

    static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        return null;
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (port < 0 || port > 65535) {
        return null;
      }
      return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
    }
  }
}
