package dev.tapio.plugin.diagnostics;

import com.sun.net.httpserver.HttpExchange;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.HealthSnapshot;
import dev.tapio.component.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * Answers {@code GET <path>} on {@code endpoint} as the Collector's health_check does: 200 with
 * {@code {"status":"Server available","upSince":…,"uptime":…}} while the engine is ready (its
 * pipelines run and no component is in error, as {@code /readyz} says), else 503 with
 * {@code "Server not available"}; {@code response_body} replaces those bodies.
 *
 * <p>{@code check_collector_pipeline}: the Collector counts exporter failures within
 * {@code interval} against {@code exporter_failure_threshold}. Tapio's exporters report their
 * state instead (error after failed sends, ok after a success), so each check samples it: when
 * more than the threshold of the checks within the interval saw an exporter in error, the
 * answer is 503.
 *
 * <p>Threading: start and shutdown on the lifecycle thread; requests on one server thread.
 */
final class HealthCheck implements Component {
  private final ComponentContext context;
  private final HealthCheckConfig config;
  private final ArrayDeque<Long> exporterFailures = new ArrayDeque<>(); // server thread only
  private DebugServer server;
  private Host host;

  HealthCheck(ComponentContext context, HealthCheckConfig config) {
    this.context = context;
    this.config = config;
  }

  @Override
  public void start(Host host) throws IOException {
    this.host = host;
    server = new DebugServer(config.endpoint(), "health_check");
    server.handle("/", this::handle);
    server.start();
    context.reportStatus(ComponentStatus.OK, "listening on " + config.endpoint()
        + config.path());
  }

  @Override
  public void shutdown() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals(config.path()) && !path.equals(config.path() + "/")) {
        send(exchange, 404, "{\"error\":\"not found; the health check is at " + config.path()
            + "\"}");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        send(exchange, 405, "{\"error\":\"GET only\"}");
        return;
      }
      HealthSnapshot health = host.health();
      boolean healthy = health.ready() && pipelineHealthy(health);
      String custom = healthy ? config.healthyBody() : config.unhealthyBody();
      send(exchange, healthy ? 200 : 503, custom.isEmpty() ? body(healthy, health) : custom);
    }
  }

  /** check_collector_pipeline: too many recent checks that saw an exporter in error. */
  private boolean pipelineHealthy(HealthSnapshot health) {
    if (!config.checkPipeline()) {
      return true;
    }
    long now = System.nanoTime();
    boolean failing = false;
    for (Map.Entry<String, ComponentStatus> e : health.components().entrySet()) {
      if (e.getKey().startsWith("exporter/") && e.getValue() == ComponentStatus.ERROR) {
        failing = true;
      }
    }
    if (failing) {
      exporterFailures.addLast(now);
    }
    long window = config.interval().toNanos();
    while (!exporterFailures.isEmpty() && now - exporterFailures.peekFirst() > window) {
      exporterFailures.removeFirst();
    }
    return exporterFailures.size() <= config.failureThreshold();
  }

  /** The Collector's answer: status, the start time (RFC 3339) and the uptime (Go's format). */
  static String body(boolean healthy, HealthSnapshot health) {
    Instant since = health.startedAt();
    StringBuilder sb = new StringBuilder(128).append("{\"status\":\"")
        .append(healthy ? "Server available" : "Server not available").append('"');
    if (since != null) {
      sb.append(",\"upSince\":\"").append(DateTimeFormatter.ISO_INSTANT.format(since))
          .append("\",\"uptime\":\"").append(goDuration(Duration.between(since, Instant.now())))
          .append('"');
    }
    return sb.append('}').toString();
  }

  /** A duration as Go prints one: {@code 1h2m3.5s}, {@code 49.0132518s}. */
  static String goDuration(Duration d) {
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    double seconds = d.toSecondsPart() + d.toNanosPart() / 1e9;
    StringBuilder sb = new StringBuilder();
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    String s = String.format(java.util.Locale.ROOT, "%.9f", seconds).replaceAll("0+$", "")
        .replaceAll("\\.$", "");
    return sb.append(s).append('s').toString();
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    DebugServer.send(exchange, code, body.startsWith("{") ? "application/json"
        : "text/plain; charset=utf-8", head ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }
}
