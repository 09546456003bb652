package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1Client} against a TCP server that answers each request with scripted bytes: the
 * framings servers use (length, chunked, until close), interim answers, connections closed
 * between requests, and answers too large to accept.
 */
class Http1ClientTest {
  private ServerSocket server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  /**
   * Serves on a loopback port: for the n-th request (from 0) writes {@code answer.apply(n)};
   * after an answer whose text is {@code "CLOSE"}-suffixed-free the connection is kept, and
   * closed when {@code closeAfter} says so.
   */
  private URI serve(IntFunction<String> answer, IntFunction<Boolean> closeAfter) throws IOException {
    server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    Thread.ofPlatform().daemon().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread.ofPlatform().daemon().start(() -> {
            try (s) {
              InputStream in = s.getInputStream();
              OutputStream out = s.getOutputStream();
              while (true) {
                String head = readHead(in);
                if (head == null) {
                  return;
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                  if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                  }
                }
                byte[] body = in.readNBytes(length);
                requests.add(head + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1));
                int i = n.getAndIncrement();
                out.write(answer.apply(i).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (closeAfter.apply(i)) {
                  return;
                }
              }
            } catch (IOException ignored) {
              // the client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/logs");
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      state = (b == '\r' || b == '\n') ? state + 1 : 0;
      if (state == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static Http1Client client(URI uri) {
    return new Http1Client(uri, null, null, Duration.ofSeconds(10));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aConnectionPastItsMaximumAgeIsClosedAfterItsAnswerAndTheNextRequestOpensAnother()
      throws Exception {
    String ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    URI uri = serve(i -> ok, i -> false);
    try (Http1Client young = client(uri)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, young.post("/v1/logs", new String[0], bytes("x"), 1).status());
      }
    }
    assertEquals(1, connections.get(), "within its age, one connection serves every request");
    try (Http1Client aged = new Http1Client(uri, null, null, Duration.ofSeconds(10), 0)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, aged.post("/v1/logs", new String[0], bytes("x"), 1).status());
      }
    }
    assertEquals(4, connections.get(), "each request past the age on a new connection");
    assertEquals(6, requests.size());
  }

  @Test
  void postsWithItsHeadersAndReadsEveryFramingOnOneConnection() throws Exception {
    String[] answers = {
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2;ext=1\r\nde\r\n3\r\nfgh\r\n0\r\nTrailer: x\r\n\r\n",
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"};
    URI uri = serve(i -> answers[i], i -> false);
    try (Http1Client c = client(uri)) {
      var first = c.post("/v1/logs", new String[] {"Content-Type", "application/x-protobuf",
          "Authorization", "Bearer t"}, bytes("body-1xx"), 6);
      assertEquals(200, first.status());
      assertArrayEquals(bytes("abc"), first.body());
      assertEquals("application/x-protobuf", first.header("content-type"));
      var second = c.post("/v1/logs", new String[0], bytes("two"), 3);
      assertArrayEquals(bytes("defgh"), second.body(), "chunked, after an interim 100");
      var third = c.post("/v1/logs", new String[0], bytes("three"), 5);
      assertEquals(503, third.status());
      assertEquals("7", third.header("retry-after"));
    }
    assertEquals(1, connections.get(), "one keep-alive connection for all three");
    String request = requests.getFirst();
    assertTrue(request.startsWith("POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1:"), request);
    assertTrue(request.contains("\r\nContent-Length: 6\r\n"), request);
    assertTrue(request.contains("\r\nAuthorization: Bearer t\r\n"), request);
    assertTrue(request.endsWith("\r\n\r\nbody-1"), "only length bytes are sent: " + request);
  }

  @Test
  void aConnectionTheServerClosesIsNotReusedAndAnIdleClosedOneIsRetriedOnce() throws Exception {
    // Answer 0 says close; answer 1 is read until the server closes (no length);
    // after answer 2 the server closes without saying so: request 3 finds it closed.
    URI uri = serve(i -> switch (i) {
      case 0 -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na";
      case 1 -> "HTTP/1.1 200 OK\r\n\r\nuntil-close";
      default -> "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz";
    }, i -> i <= 2);
    try (Http1Client c = client(uri)) {
      assertArrayEquals(bytes("a"), c.post("/", new String[0], bytes("0"), 1).body());
      assertArrayEquals(bytes("until-close"), c.post("/", new String[0], bytes("1"), 1).body());
      assertArrayEquals(bytes("z"), c.post("/", new String[0], bytes("2"), 1).body());
      Thread.sleep(100); // the server has closed the pooled connection meanwhile
      assertEquals(200, c.post("/", new String[0], bytes("3"), 1).status(),
          "sent again on a new connection");
    }
    assertEquals(4, connections.get());
    assertEquals(4, requests.size(), "the stale connection never delivered request 3");
  }

  @Test
  void answersBeyondTheLimitsAndBrokenOnesAreRefused() throws Exception {
    URI uri = serve(i -> switch (i) {
      case 0 -> "HTTP/1.1 200 OK\r\nContent-Length: " + (Http1Client.MAX_BODY + 1) + "\r\n\r\n";
      case 1 -> "HTTP/1.1 200 OK\r\nX: " + "a".repeat(Http1Client.MAX_HEADERS) + "\r\n\r\n";
      case 2 -> "SSH-2.0-OpenSSH\r\n\r\n";
      default -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
    }, i -> i == 3);
    try (Http1Client c = client(uri)) {
      for (String expected : List.of("answer body of", "longer than", "not an HTTP/1.x answer",
          "cut short")) {
        IOException e = assertThrows(IOException.class,
            () -> c.post("/", new String[0], bytes("x"), 1));
        assertTrue(String.valueOf(e.getMessage()).contains(expected), e.toString());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> client(URI.create("http://[::1]:1/"))
        .post("/", new String[] {"X", "a\r\nInjected: 1"}, new byte[0], 0));
  }
}
