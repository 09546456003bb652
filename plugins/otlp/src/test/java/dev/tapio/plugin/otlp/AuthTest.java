package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.plugin.bearertokenauth.BearerTokenAuthFactory;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The otlp receiver checks requests with a real bearertokenauth extension. */
class AuthTest {

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> post(int port, byte[] body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/logs"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsWithoutTheTokenGet401AndWithItArrive() throws Exception {
    BearerTokenAuthFactory authFactory = new BearerTokenAuthFactory();
    Component auth = authFactory.create(
        new TestContext("bearertokenauth", Kind.EXTENSION, null),
        ComponentConfigs.read(authFactory, "token: s3cret"));
    auth.start(new TestHost());
    int port = freePort();
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
        """.formatted(port));
    ConsumerSink sink = new ConsumerSink();
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, sink);
    receiver.start(new TestHost(Map.of(ComponentId.parse("bearertokenauth"), auth)));
    try {
      OtlpEncoder encoder = new OtlpEncoder();
      encoder.encode(LogsBuilder.logs("auth", 7));
      byte[] body = encoder.toByteArray();

      HttpResponse<String> none = post(port, body, null);
      assertEquals(401, none.statusCode());
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(401, post(port, body, "Bearer wrong").statusCode());
      assertEquals(0, sink.itemCount(), "refused requests reach nothing");

      assertEquals(200, post(port, body, "Bearer s3cret").statusCode());
      assertEquals(7, sink.itemCount());
    } finally {
      receiver.shutdown();
      auth.shutdown();
    }
  }

  @Test
  void anAuthenticatorThatIsNotAnExtensionFailsTheStart() throws Exception {
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    var config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "127.0.0.1:%d"
            auth: {authenticator: bearertokenauth}
        """.formatted(freePort()));
    Component receiver = factory.createLogs(new TestContext("otlp", Kind.RECEIVER, Signal.LOGS),
        config, new ConsumerSink());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> receiver.start(new TestHost()));
    assertTrue(e.getMessage().contains("service.extensions"), e.getMessage());
    receiver.shutdown();
  }
}
