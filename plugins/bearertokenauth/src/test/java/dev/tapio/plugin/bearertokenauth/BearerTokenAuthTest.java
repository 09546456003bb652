package dev.tapio.plugin.bearertokenauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tapio.auth.ClientAuthenticator;
import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Host;
import dev.tapio.component.Kind;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenAuthTest {
  private static final String COUNTER = "tapio_bearertokenauth_refused_requests";

  private final TestContext context =
      new TestContext("bearertokenauth", Kind.EXTENSION, null);

  private Component start(String yaml) throws Exception {
    BearerTokenAuthFactory f = new BearerTokenAuthFactory();
    Component c = f.create(context, ComponentConfigs.read(f, yaml));
    c.start(new TestHost());
    return c;
  }

  private static Function<String, String> headers(String... pairs) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map::get;
  }

  @Test
  void aStaticTokenIsCheckedAndSent() throws Exception {
    Component c = start("token: s3cret\n");
    ServerAuthenticator server = assertInstanceOf(ServerAuthenticator.class, c);
    ClientAuthenticator client = assertInstanceOf(ClientAuthenticator.class, c);
    assertEquals(Map.of("authorization", "Bearer s3cret"), client.headers());
    assertTrue(server.authenticate(headers("authorization", "Bearer s3cret")));
    assertTrue(server.authenticate(headers("authorization", "bearer s3cret")), "scheme is "
        + "case-insensitive");
    assertFalse(server.authenticate(headers()));
    assertFalse(server.authenticate(headers("authorization", "Bearer s3cre")));
    assertFalse(server.authenticate(headers("authorization", "Bearer s3cret2")));
    assertFalse(server.authenticate(headers("authorization", "Basic s3cret")));
    assertFalse(server.authenticate(headers("authorization", "s3cret")));
    assertFalse(server.authenticate(headers("authorization", "Bearer")));
    assertEquals(6, context.counterValue(COUNTER, "reason", "unauthenticated"));
    assertEquals("Bearer", server.challenge());
  }

  @Test
  void aCustomHeaderWithoutSchemeCarriesTheBareToken() throws Exception {
    Component c = start("token: k1\nscheme: \"\"\nheader: X-Api-Key\n");
    assertEquals(Map.of("x-api-key", "k1"), ((ClientAuthenticator) c).headers());
    assertTrue(((ServerAuthenticator) c).authenticate(headers("x-api-key", "k1")));
    assertFalse(((ServerAuthenticator) c).authenticate(headers("authorization", "Bearer k1")));
  }

  @Test
  void aTokenFileIsReadAndReloadedWhenItChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Component c = start("filename: " + file + "\n");
    ClientAuthenticator client = (ClientAuthenticator) c;
    assertEquals(Map.of("authorization", "Bearer first"), client.headers());

    Files.writeString(file, "second");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:01:00Z")));
    // Checked at most once a second: poll, bounded.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (client.headers().get("authorization").equals("Bearer first")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(Map.of("authorization", "Bearer second"), client.headers());
    assertTrue(((ServerAuthenticator) c).authenticate(headers("authorization",
        "Bearer second")));
    assertFalse(((ServerAuthenticator) c).authenticate(headers("authorization",
        "Bearer first")));
  }

  @Test
  void aMissingTokenFileFailsStart(@TempDir Path dir) throws Exception {
    BearerTokenAuthFactory f = new BearerTokenAuthFactory();
    Component c = f.create(context, ComponentConfigs.read(f,
        "filename: " + dir.resolve("absent") + "\n"));
    IOException e = assertThrows(IOException.class, () -> c.start(new TestHost()));
    assertTrue(e.getMessage().contains("cannot read token file"), e.getMessage());
  }

  @Test
  void configNeedsExactlyOneSourceAndHeaderSafeValues() {
    BearerTokenAuthFactory f = new BearerTokenAuthFactory();
    assertEquals("bearertokenauth", f.type());
    for (String yaml : new String[] {"scheme: Bearer\n", "token: a\nfilename: /tmp/t\n",
        "token: \"a b\"\n", "token: a\nheader: \"Bad Header\"\n",
        "token: a\nscheme: \"Be arer\"\n"}) {
      assertThrows(ConfigException.class, () -> ComponentConfigs.read(f, yaml), yaml);
    }
  }

  @Test
  void tokensIsRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new BearerTokenAuthFactory(), "token: a\ntokens: [a, b]\n"));
    assertEquals("component.yaml:2:1: extension 'bearertokenauth', key 'tokens': is not"
        + " supported yet: one token is checked and sent; to rotate it without a restart, use"
        + " filename, which is re-read when it changes", e.getMessage());
  }

  /**
   * The wiring a receiver and an exporter do, over real HTTP: the server refuses with 401 and a
   * challenge unless the token is there, the client adds what {@code headers()} gives.
   */
  @Test
  void aServerAndAClientWiredThroughTheHost() throws Exception {
    Component extension = start("token: t0k3n\n");
    Host host = new TestHost(Map.of(ComponentId.parse("bearertokenauth"), extension));
    ServerAuthenticator auth = (ServerAuthenticator) host
        .extension(ComponentId.parse("bearertokenauth")).orElseThrow();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        var h = exchange.getRequestHeaders();
        if (!auth.authenticate(h::getFirst)) {
          exchange.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
    try (HttpClient http = HttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/logs");
      var refused = http.send(HttpRequest.newBuilder(uri).POST(
          HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(401, refused.statusCode());
      assertEquals("Bearer", refused.headers().firstValue("WWW-Authenticate").orElse(null));

      ClientAuthenticator sender = (ClientAuthenticator) host
          .extension(ComponentId.parse("bearertokenauth")).orElseThrow();
      HttpRequest.Builder b = HttpRequest.newBuilder(uri)
          .POST(HttpRequest.BodyPublishers.noBody());
      sender.headers().forEach(b::header);
      assertEquals(200, http.send(b.build(), HttpResponse.BodyHandlers.discarding())
          .statusCode());
    } finally {
      server.stop(0);
    }
  }
}
