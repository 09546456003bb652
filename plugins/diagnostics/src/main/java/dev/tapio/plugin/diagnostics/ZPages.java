package dev.tapio.plugin.diagnostics;

import com.sun.net.httpserver.HttpExchange;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.HealthSnapshot;
import dev.tapio.component.Host;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code zpages} extension: HTML pages of the running service at the Collector's paths,
 * {@code /debug/servicez} (runtime, start time, uptime), {@code /debug/pipelinez} (each
 * pipeline's wiring and each component's state with its last reason: the recent error of a
 * component in error or degraded) and {@code /debug/extensionz}. The Collector's
 * {@code /debug/tracez} and {@code /debug/rpcz} show its own spans, which Tapio does not
 * record: those paths answer 404 saying so.
 *
 * <p>Threading: start and shutdown on the lifecycle thread; pages on the server's thread.
 */
final class ZPages implements Component {
  private final ComponentContext context;
  private final String endpoint;
  private DebugServer server;
  private Host host;

  ZPages(ComponentContext context, String endpoint) {
    this.context = context;
    this.endpoint = endpoint;
  }

  @Override
  public void start(Host host) throws IOException {
    this.host = host;
    server = new DebugServer(endpoint, "zpages");
    server.handle("/debug/servicez", e -> page(e, "Service", service()));
    server.handle("/debug/pipelinez", e -> page(e, "Pipelines", pipelines()));
    server.handle("/debug/extensionz", e -> page(e, "Extensions", extensions()));
    server.handle("/", e -> DebugServer.send(e, 404, "text/plain; charset=utf-8",
        ("Tapio's zpages: /debug/servicez, /debug/pipelinez, /debug/extensionz (no tracez or"
            + " rpcz: Tapio records no spans of its own)\n").getBytes(StandardCharsets.UTF_8)));
    server.start();
    context.reportStatus(ComponentStatus.OK, "serving /debug/servicez on " + endpoint);
  }

  @Override
  public void shutdown() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private String service() {
    HealthSnapshot h = host.health();
    StringBuilder sb = new StringBuilder("<table>");
    row(sb, "Java", Runtime.version().toString());
    row(sb, "Process id", Long.toString(ProcessHandle.current().pid()));
    row(sb, "JVM started", Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean()
        .getStartTime()).toString());
    if (h.startedAt() != null) {
      row(sb, "Pipelines started", h.startedAt().toString());
      row(sb, "Uptime", Duration.between(h.startedAt(), Instant.now()).withNanos(0).toString()
          .substring(2).toLowerCase(java.util.Locale.ROOT));
    }
    row(sb, "Ready", Boolean.toString(h.ready()));
    return sb.append("</table>").toString();
  }

  private String pipelines() {
    HealthSnapshot h = host.health();
    StringBuilder sb = new StringBuilder("<h2>Wiring</h2><ul>");
    for (String line : h.pipelines()) {
      sb.append("<li><code>").append(escape(line)).append("</code></li>");
    }
    sb.append("</ul><h2>Components</h2><table><tr><th>component</th><th>state</th>"
        + "<th>reason</th></tr>");
    for (Map.Entry<String, ComponentStatus> e : h.components().entrySet()) {
      sb.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
          .append(e.getValue().label()).append("</td><td>")
          .append(escape(h.reasons().getOrDefault(e.getKey(), ""))).append("</td></tr>");
    }
    return sb.append("</table>").toString();
  }

  private String extensions() {
    StringBuilder sb = new StringBuilder("<ul>");
    host.extensions().keySet().stream().map(Object::toString).sorted()
        .forEach(id -> sb.append("<li>").append(escape(id)).append("</li>"));
    return sb.append("</ul>").toString();
  }

  private static void row(StringBuilder sb, String key, String value) {
    sb.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value))
        .append("</td></tr>");
  }

  private static void page(HttpExchange e, String title, String body) throws IOException {
    try (e) {
      String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tapio " + title
          + "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>\n";
      DebugServer.send(e, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
