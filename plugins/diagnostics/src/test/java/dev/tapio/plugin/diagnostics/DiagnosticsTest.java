package dev.tapio.plugin.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosticsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final FixedHost host = new FixedHost(new HealthSnapshot(true,
      Map.of("receiver/ebpf_dns", ComponentStatus.DEGRADED, "exporter/otlp", ComponentStatus.OK),
      Instant.now().minusSeconds(5), Map.of("receiver/ebpf_dns", "no CAP_BPF <falls back>"),
      List.of("logs: ebpf_dns -> [queue 4096, block] -> otlp")),
      Map.of(ComponentId.of("zpages"), new Component() { }));

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<byte[]> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void zpagesShowTheWiringAndEachComponentsStateWithItsReason() throws Exception {
    int port = freePort();
    var f = new DiagnosticsFactories.ZPagesFactory();
    Component z = f.create(new TestContext("zpages", Kind.EXTENSION, Signal.LOGS),
        ComponentConfigs.read(f, "endpoint: 127.0.0.1:" + port));
    z.start(host);
    try {
      String pipelines = text(get(port, "/debug/pipelinez"));
      assertTrue(pipelines.contains("<code>logs: ebpf_dns -&gt; [queue 4096, block] -&gt; otlp"
          + "</code>"), pipelines);
      assertTrue(pipelines.contains("<td>receiver/ebpf_dns</td><td>degraded</td>"
          + "<td>no CAP_BPF &lt;falls back&gt;</td>"), pipelines);
      String service = text(get(port, "/debug/servicez"));
      assertTrue(service.contains("<th>Ready</th><td>true</td>"), service);
      assertTrue(text(get(port, "/debug/extensionz")).contains("<li>zpages</li>"));
      HttpResponse<byte[]> tracez = get(port, "/debug/tracez");
      assertEquals(404, tracez.statusCode());
      assertTrue(text(tracez).contains("no tracez"), text(tracez));
    } finally {
      z.shutdown();
    }
  }

  @Test
  void pprofDumpsThreadsHeapAndRecordsJfr(@TempDir Path dir) throws Exception {
    int port = freePort();
    var f = new DiagnosticsFactories.PprofFactory();
    Path whole = dir.resolve("whole.jfr");
    Component p = f.create(new TestContext("pprof", Kind.EXTENSION, Signal.LOGS),
        ComponentConfigs.read(f, "endpoint: 127.0.0.1:%d\nsave_to_file: %s\n"
            .formatted(port, whole)));
    p.start(host);
    try {
      String threads = text(get(port, "/debug/pprof/goroutine"));
      assertTrue(threads.contains("\"main\"") || threads.contains("Test worker"), threads);
      assertTrue(threads.contains("pprof 127.0.0.1:" + port), "its own server thread");
      String heap = text(get(port, "/debug/pprof/heap"));
      assertTrue(heap.contains("java.lang.String"), heap.substring(0, Math.min(300,
          heap.length())));
      HttpResponse<byte[]> profile = get(port, "/debug/pprof/profile?seconds=1");
      assertEquals(200, profile.statusCode());
      Path jfr = Files.write(dir.resolve("p.jfr"), profile.body());
      assertTrue(RecordingFile.readAllEvents(jfr).size() > 0, "a readable JFR recording");
      assertEquals(400, get(port, "/debug/pprof/profile?seconds=0").statusCode());
    } finally {
      p.shutdown();
    }
    assertTrue(Files.size(whole) > 0 && RecordingFile.readAllEvents(whole).size() > 0,
        "save_to_file: the recording from start to shutdown");
  }

  @Test
  void goOnlyKeysWarnAndBadEndpointsFail() throws Exception {
    var f = new DiagnosticsFactories.PprofFactory();
    // Accepted (with a warning), not refused as an unknown key.
    PprofConfig c = ComponentConfigs.read(f, "block_profile_fraction: 3\n");
    assertEquals("localhost:1777", c.endpoint());
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(new DiagnosticsFactories.ZPagesFactory(), "endpoint: x"));
    assertTrue(e.getMessage().contains("'endpoint': must be host:port"), e.getMessage());
  }

  @Test
  void collectorServerKeysAreRefusedAsNotSupportedYet() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(new DiagnosticsFactories.ZPagesFactory(),
            "endpoint: localhost:55679\ntls:\n  cert_file: server.crt\n"));
    assertEquals("component.yaml:2:1: extension 'zpages', key 'tls': is not supported yet: the"
        + " endpoint serves plain HTTP; keep it on localhost or put a TLS proxy in front",
        e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(new DiagnosticsFactories.PprofFactory(),
            "dialer: {timeout: 5s}\n"));
    assertEquals("component.yaml:1:1: extension 'pprof', key 'dialer': is not supported yet: a"
        + " server listens; dialer applies to clients only", e.getMessage());
  }
}
