package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.plugin.bearertokenauth.BearerTokenAuthFactory;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a browser does before and when a web page posts OTLP/JSON: a preflight, then the request
 * with its {@code Origin}. The JDK client sends these headers as a browser would (Origin is a
 * restricted header in browsers, not in the JDK client once allowed by a system property).
 */
class CorsTest {
  static {
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "origin");
  }

  private static final String BODY = """
      {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"from a page"}}]}]}]}
      """;

  @Test
  void allowedOriginsGetPreflightsAndReadableAnswersWithoutCredentialsOnThePreflight()
      throws Exception {
    BearerTokenAuthFactory authFactory = new BearerTokenAuthFactory();
    Component auth = authFactory.create(new TestContext("bearertokenauth", Kind.EXTENSION, null),
        ComponentConfigs.read(authFactory, "token: s3cret"));
    auth.start(new TestHost());
    int port = AuthTest.freePort();
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
            cors:
              allowed_origins: ["https://*.shop.example", "http://localhost:3000"]
              allowed_headers: [authorization, x-tenant]
              max_age: 600
        """.formatted(port));
    ConsumerSink sink = new ConsumerSink();
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, sink);
    receiver.start(new TestHost(Map.of(ComponentId.parse("bearertokenauth"), auth)));
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/logs");
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<Void> preflight = client.send(HttpRequest.newBuilder(uri)
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://www.shop.example")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "content-type, Authorization").build(),
          HttpResponse.BodyHandlers.discarding());
      assertEquals(204, preflight.statusCode(), "no credentials needed for a preflight");
      assertEquals("https://www.shop.example",
          preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
      assertEquals("POST", preflight.headers().firstValue("Access-Control-Allow-Methods")
          .orElse(""));
      assertEquals("content-type, authorization",
          preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""));
      assertEquals("600", preflight.headers().firstValue("Access-Control-Max-Age").orElse(""));

      HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
          .header("Origin", "https://www.shop.example")
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer s3cret")
          .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, post.statusCode(), post.body());
      assertEquals("https://www.shop.example",
          post.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
      assertEquals(1, sink.itemCount());

      // A header the page may not send: the preflight carries no permission.
      HttpResponse<Void> badHeader = client.send(HttpRequest.newBuilder(uri)
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "http://localhost:3000")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "x-secret").build(),
          HttpResponse.BodyHandlers.discarding());
      assertFalse(badHeader.headers().firstValue("Access-Control-Allow-Origin").isPresent());

      // Another origin: no CORS headers at all, and credentials are still checked.
      HttpResponse<String> foreign = client.send(HttpRequest.newBuilder(uri)
          .header("Origin", "https://evil.example")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, foreign.statusCode());
      assertFalse(foreign.headers().firstValue("Access-Control-Allow-Origin").isPresent());
      assertEquals(1, sink.itemCount());
    } finally {
      receiver.shutdown();
      auth.shutdown();
    }
  }

  @Test
  void originPatternsAreMatchedAndBadOnesRefused() throws Exception {
    CorsSettings cors = new CorsSettings(java.util.List.of("https://*.example.com",
        "http://LOCALHOST:3000"), java.util.List.of(), 0);
    assertTrue(cors.allows("https://a.example.com"));
    assertTrue(cors.allows("https://a.b.example.com"));
    assertTrue(cors.allows("http://localhost:3000"));
    assertFalse(cors.allows("https://example.com"));
    assertFalse(cors.allows("http://a.example.com"));
    assertFalse(cors.allows("https://a.example.com.evil.org"));
    assertFalse(cors.allows(null));
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new OtlpReceiverFactory(), "protocols: {http: {cors: {allowed_origins: [\"*.a.*\"]}}}"));
    assertTrue(e.getMessage().contains("protocols.http.cors.allowed_origins"), e.getMessage());
  }
}
