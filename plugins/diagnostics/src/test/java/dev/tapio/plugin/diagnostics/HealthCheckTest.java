package dev.tapio.plugin.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.HealthSnapshot;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.testkit.TestContext;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthCheckTest {
  private final HealthCheckFactory factory = new HealthCheckFactory();
  private final HttpClient http = HttpClient.newHttpClient();
  private final FixedHost host = new FixedHost(new HealthSnapshot(false, Map.of(), null),
      Map.of());

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private Component start(String yaml) throws Exception {
    Component c = factory.create(new TestContext("health_check", Kind.EXTENSION, Signal.LOGS),
        ComponentConfigs.read(factory, yaml));
    c.start(host);
    return c;
  }

  @Test
  void answersAsTheCollectorDoesFromTheEnginesReadiness() throws Exception {
    int port = freePort();
    Component c = start("endpoint: 127.0.0.1:" + port);
    try {
      HttpResponse<String> starting = get(port, "/");
      assertEquals(503, starting.statusCode());
      assertEquals("{\"status\":\"Server not available\"}", starting.body());

      Instant up = Instant.now().minusSeconds(90);
      host.health = new HealthSnapshot(true, Map.of("receiver/ebpf_dns", ComponentStatus.DEGRADED),
          up);
      HttpResponse<String> ok = get(port, "/");
      assertEquals(200, ok.statusCode(), "degraded components are healthy, as on /readyz");
      assertTrue(ok.body().matches("\\{\"status\":\"Server available\",\"upSince\":\""
          + java.util.regex.Pattern.quote(up.toString()) + "\",\"uptime\":\"1m3\\d(\\.\\d+)?s\"\\}"),
          ok.body());
      assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(""));

      host.health = new HealthSnapshot(false, Map.of("exporter/otlp", ComponentStatus.ERROR), up);
      assertEquals(503, get(port, "/").statusCode());
      assertEquals(404, get(port, "/metrics").statusCode());
    } finally {
      c.shutdown();
    }
  }

  @Test
  void customPathBodiesAndThePipelineCheck() throws Exception {
    int port = freePort();
    Component c = start("""
        endpoint: 127.0.0.1:%d
        path: /health/status
        response_body: {healthy: I'm OK, unhealthy: I'm not well}
        check_collector_pipeline: {enabled: true, interval: 5m, exporter_failure_threshold: 2}
        """.formatted(port));
    try {
      host.health = new HealthSnapshot(true, Map.of("exporter/otlp", ComponentStatus.OK), Instant.now());
      HttpResponse<String> ok = get(port, "/health/status");
      assertEquals(200, ok.statusCode());
      assertEquals("I'm OK", ok.body());
      assertEquals(404, get(port, "/").statusCode());
      // An exporter in error: healthy until more than 2 checks within the interval saw it.
      host.health = new HealthSnapshot(true, Map.of("exporter/otlp", ComponentStatus.ERROR),
          Instant.now());
      assertEquals(200, get(port, "/health/status").statusCode());
      assertEquals(200, get(port, "/health/status").statusCode());
      HttpResponse<String> failing = get(port, "/health/status");
      assertEquals(503, failing.statusCode());
      assertEquals("I'm not well", failing.body());
    } finally {
      c.shutdown();
    }
  }

  @Test
  void configAsTheCollectorsWithClearErrors() throws Exception {
    HealthCheckConfig d = ComponentConfigs.read(factory, "");
    assertEquals("localhost:13133", d.endpoint());
    assertEquals("/", d.path());
    assertEquals(Duration.ofMinutes(5), d.interval());
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        "endpoint: nowhere\npath: health\ntls: {cert_file: x}\n"));
    String m = e.getMessage();
    assertTrue(m.contains("'endpoint': must be host:port"), m);
    assertTrue(m.contains("'path': must start with '/'"), m);
    assertTrue(m.contains("'tls': is not supported yet"), m);
  }

  @Test
  void uptimeReadsAsGoPrintsIt() {
    assertEquals("49.0132518s", HealthCheck.goDuration(Duration.ofNanos(49_013_251_800L)));
    assertEquals("1h2m3s", HealthCheck.goDuration(Duration.ofSeconds(3723)));
    assertEquals("5m0s", HealthCheck.goDuration(Duration.ofMinutes(5)));
  }
}
