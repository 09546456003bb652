package dev.tapio.plugin.diagnostics;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code health_check} extension's settings, with the Collector's keys and defaults.
 *
 * @param endpoint {@code host:port} to listen on
 * @param path the one path answered
 * @param healthyBody the body of a healthy answer, or empty for the Collector's JSON
 * @param unhealthyBody the body of an unhealthy answer, or empty for the Collector's JSON
 * @param checkPipeline {@code check_collector_pipeline.enabled}: exporters must be ok too
 * @param interval {@code check_collector_pipeline.interval}
 * @param failureThreshold {@code check_collector_pipeline.exporter_failure_threshold}
 */
public record HealthCheckConfig(String endpoint, String path, String healthyBody,
    String unhealthyBody, boolean checkPipeline, Duration interval, int failureThreshold)
    implements ComponentConfig {

  static final HealthCheckConfig DEFAULT = new HealthCheckConfig("localhost:13133", "/", "", "",
      false, Duration.ofMinutes(5), 5);

  public HealthCheckConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(healthyBody, "healthyBody");
    Objects.requireNonNull(unhealthyBody, "unhealthyBody");
    Objects.requireNonNull(interval, "interval");
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (!DebugServer.validEndpoint(endpoint)) {
      problems.error("endpoint", "must be host:port, e.g. localhost:13133; got '" + endpoint
          + "'");
    } else if (endpoint.startsWith("0.0.0.0:") || endpoint.startsWith(":")
        || endpoint.startsWith("[::]:")) {
      problems.warning("endpoint", "the health endpoint listens on every network interface ("
          + endpoint + "); in Kubernetes use the pod's IP (${env:MY_POD_IP}:13133)");
    }
    if (!path.startsWith("/")) {
      problems.error("path", "must start with '/', got '" + path + "'");
    }
    if (checkPipeline && (!interval.isPositive() || failureThreshold < 1)) {
      problems.error("check_collector_pipeline", "interval must be positive and"
          + " exporter_failure_threshold at least 1");
    }
  }
}
