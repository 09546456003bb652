package dev.tapio.engine.config;

import java.util.Objects;

/**
 * {@code service.telemetry}: the engine's own metrics endpoint and log level. Immutable.
 *
 * @param metricsLevel {@code none} (endpoint off), {@code basic}, {@code normal} or {@code
 *     detailed}
 * @param metricsHost the interface the metrics and health endpoint listens on
 * @param metricsPort its port, 0 to 65535
 * @param logsLevel {@code debug}, {@code info}, {@code warn} or {@code error}
 */
public record TelemetrySpec(
    String metricsLevel, String metricsHost, int metricsPort, String logsLevel) {

  public static final TelemetrySpec DEFAULT =
      new TelemetrySpec("normal", "localhost", 8888, "info");

  public TelemetrySpec {
    Objects.requireNonNull(metricsLevel, "metricsLevel");
    Objects.requireNonNull(metricsHost, "metricsHost");
    Objects.requireNonNull(logsLevel, "logsLevel");
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("metrics port out of range: " + metricsPort);
    }
  }
}
