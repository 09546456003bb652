package dev.tapio.plugin.k8sevents;

import dev.tapio.plugin.kubernetes.ClosingJdkHttpClientFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's mock API server in CRUD mode (objects created through a client are listed and
 * watched over HTTP and WebSocket, with resource versions that grow), plus what a test needs to
 * break it as a real server breaks: an outage of reads ({@code GET}s answer 503 while writes
 * still land), and a watch expired by the server (the {@code ERROR} notification with status
 * 410 a real API server sends when a watch's resource version is no longer in its history).
 *
 * <p>One per test. Thread-safe.
 */
final class MockCluster implements AutoCloseable {
  private static final String GONE = """
      {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},\
      "status":"Failure","message":"too old resource version: 1 (42)","reason":"Expired",\
      "code":410}}""";

  /** The mock server logs every request at info; held so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet();

  private static java.util.logging.Logger quiet() {
    var l = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private final Dispatcher dispatcher = new Dispatcher();
  private final KubernetesMockServer server;
  /** The test's own client, to create, update and delete events. */
  final KubernetesClient client;

  MockCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init();
    client = server.createClient(new ClosingJdkHttpClientFactory());
  }

  /**
   * A new client of this server, as the receiver's factory hands out, except that a failed
   * request is not retried: fabric8's default retries a 503 ten times with a backoff that
   * grows to over a minute in all.
   */
  KubernetesClient newClient() {
    Config c = new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
        .build();
    return new KubernetesClientBuilder().withConfig(c)
        .withHttpClientFactory(new ClosingJdkHttpClientFactory()).build();
  }

  /** While on, every read (list, get, watch) answers 503; creates and updates still work. */
  void readsFail(boolean fail) {
    dispatcher.readsFail = fail;
  }

  /** Watches open now. */
  int openWatches() {
    return dispatcher.sockets.size();
  }

  /** Expires every open watch as a real server does when its history no longer reaches. */
  void expireWatches() {
    for (WebSocket ws : dispatcher.sockets) {
      ws.send(GONE);
    }
  }

  /** Makes the next watch opened expire at once, as one from a version too old does. */
  void expireNextWatch() {
    dispatcher.expireNext = true;
  }

  /** Drops every open watch's connection, as a restarted API server or a proxy does. */
  void dropWatches() {
    for (WebSocket ws : dispatcher.sockets) {
      ws.close(1001, "going away");
    }
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The k8sattributes tests see it too: Vert.x's graceful close now and then still counts
      // a connection the receiver closed; the assertions have passed by then.
      System.err.println("mock server close: " + e.getMessage());
    }
  }

  private static final class Dispatcher extends KubernetesCrudDispatcher {
    volatile boolean readsFail;
    volatile boolean expireNext;
    final Set<WebSocket> sockets = ConcurrentHashMap.newKeySet();

    @Override
    public MockResponse handleGet(String path) {
      if (readsFail) {
        return new MockResponse().setResponseCode(503).setBody("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
            "message":"the test made reads fail","reason":"ServiceUnavailable","code":503}""");
      }
      return super.handleGet(path);
    }

    @Override
    public MockResponse handleWatch(String path) {
      MockResponse r = super.handleWatch(path);
      boolean expire = expireNext;
      expireNext = false;
      return r.withWebSocketUpgrade(new Tracking(r.getWebSocketListener(), sockets, expire));
    }
  }

  /** Delegates, remembering the socket while it is open. */
  private static final class Tracking extends WebSocketListener {
    private final WebSocketListener delegate;
    private final Set<WebSocket> sockets;
    private final boolean expire;

    Tracking(WebSocketListener delegate, Set<WebSocket> sockets, boolean expire) {
      this.delegate = delegate;
      this.sockets = sockets;
      this.expire = expire;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      if (expire) {
        // The CRUD watch never starts: what it would send stays in its buffer.
        webSocket.send(GONE);
        return;
      }
      sockets.add(webSocket);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      delegate.onPing(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      sockets.remove(webSocket);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      sockets.remove(webSocket);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      sockets.remove(webSocket);
      delegate.onFailure(webSocket, t, response);
    }
  }
}
