/**
 * The {@code health_check} extension: the OpenTelemetry Collector's health endpoint, so that the
 * Kubernetes probes of a Collector chart (HTTP GET {@code /} on 13133) work unchanged.
 *
 * <p>Keys, as the Collector's: {@code endpoint} (default {@code localhost:13133}), {@code path}
 * (default {@code /}), {@code response_body.healthy} / {@code .unhealthy} (bodies replacing the
 * JSON), {@code check_collector_pipeline.enabled} / {@code interval} (5m) /
 * {@code exporter_failure_threshold} (5). The server settings the Collector shares with its
 * HTTP receivers ({@code tls}, {@code cors}, {@code auth}, timeouts…) are refused as not
 * supported yet.
 *
 * <p>Healthy means what {@code /readyz} on the engine's own endpoint means: the pipelines run and
 * no component is in error (degraded components, such as an eBPF receiver on its fallback, are
 * healthy). The answer is the Collector's: 200 {@code {"status":"Server available","upSince":
 * "…","uptime":"…"}} or 503 {@code {"status":"Server not available",…}}.
 */
package dev.tapio.plugin.healthcheck;
