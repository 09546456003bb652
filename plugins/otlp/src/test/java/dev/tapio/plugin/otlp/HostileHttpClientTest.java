package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OTLP/HTTP receiver against clients that do not play fair, each case of issue 10 on
 * loopback with bounded counts and times: slowloris headers, a trickled body, a huge announced
 * length, idle connections past the caps, broken chunk framing, oversized headers. Throughout,
 * a well-behaved client on the same server keeps being answered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileHttpClientTest {
  private static final int MAX_BODY = 4 << 20;
  private static final String FRAMING = "tapio_otlp_receiver_framing_errors";
  private static final String TIMEOUTS = "tapio_otlp_receiver_timeouts";
  private static final String CONNECTIONS = "tapio_otlp_receiver_refused_connections";

  /** A logs receiver with the given limits on a free loopback port. */
  private static final class Server implements AutoCloseable {
    final TestContext context = new TestContext("otlp", Kind.RECEIVER, Signal.LOGS);
    final ConsumerSink sink = new ConsumerSink();
    private final OtlpReceiver receiver;

    Server(HttpServerLimits limits) throws Exception {
      var d = OtlpReceiverConfig.Http.DEFAULT;
      var http = new OtlpReceiverConfig.Http("127.0.0.1:0", MAX_BODY, d.logsUrlPath(),
          d.metricsUrlPath(), d.tracesUrlPath(), "", null, CorsSettings.NONE, limits);
      receiver = (OtlpReceiver) new OtlpReceiverFactory().createLogs(context,
          new OtlpReceiverConfig(http, null), sink);
      receiver.start(new TestHost());
    }

    int port() {
      return receiver.address().getPort();
    }

    double receiverOpen() {
      return context.gaugeValue("tapio_otlp_receiver_connections", "protocol", "http");
    }

    long counter(String name, String... labels) {
      return context.counterValue(name, labels);
    }

    Socket connect() throws IOException {
      Socket s = new Socket("127.0.0.1", port());
      s.setSoTimeout(20_000);
      return s;
    }

    /** A well-behaved client: one request on a new connection; its status. */
    int post() throws IOException {
      return post(InetAddress.getLoopbackAddress());
    }

    int post(InetAddress from) throws IOException {
      byte[] body = Samples.bytes(Samples.logs(0, 10));
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(head(body.length).getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return RawResponse.read(s.getInputStream()).status();
      }
    }

    @Override
    public void close() {
      receiver.shutdown();
    }
  }

  private static HttpServerLimits limits(Duration header, Duration read, int max, int perClient) {
    return new HttpServerLimits(header, read, Duration.ofSeconds(30), Duration.ofMinutes(1), max,
        perClient);
  }

  private static String head(long contentLength) {
    return "POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n";
  }

  /** Whether the server closed {@code s}: its next read ends (or is reset) within the timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  @Test
  void slowlorisHeadersAreClosedAtTheHeaderDeadlineWhileOthersAreAnswered() throws Exception {
    int attackers = 40;
    try (Server server = new Server(limits(Duration.ofSeconds(2), Duration.ofSeconds(10), 0,
        0))) {
      ExecutorService pool = Executors.newFixedThreadPool(attackers);
      try {
        List<Future<Boolean>> closed = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
          closed.add(pool.submit(() -> {
            try (Socket s = server.connect()) {
              s.setSoTimeout(200);
              OutputStream out = s.getOutputStream();
              byte[] head = head(10).getBytes(StandardCharsets.US_ASCII);
              // One byte every 200 ms: the headers would take 16 s; the deadline is 2 s.
              for (int b = 0; b < head.length - 1; b++) {
                try {
                  out.write(head[b]);
                  out.flush();
                } catch (SocketException e) {
                  return true;
                }
                if (closedByServer(s)) {
                  return true;
                }
              }
              return false;
            }
          }));
        }
        // Meanwhile, a normal client: every request is answered.
        for (int i = 0; i < 10; i++) {
          assertEquals(200, server.post());
        }
        for (Future<Boolean> f : closed) {
          assertTrue(f.get(60, TimeUnit.SECONDS), "a slowloris connection outlived its deadline");
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(attackers, server.counter(TIMEOUTS, "protocol", "http", "phase", "header"));
      assertEquals(100, server.sink.itemCount());
    }
  }

  @Test
  void aTrickledBodyIsAnswered408AtTheReadDeadline() throws Exception {
    try (Server server = new Server(limits(Duration.ofSeconds(5), Duration.ofSeconds(2), 0, 0));
        Socket s = server.connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head(1000).getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[10]);
      out.flush();
      long start = System.nanoTime();
      RawResponse r = RawResponse.read(s.getInputStream());
      assertEquals(408, r.status(), r.head());
      assertEquals("close", r.header("connection"));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
      assertEquals(1, server.counter(TIMEOUTS, "protocol", "http", "phase", "body"));
      assertEquals(200, server.post());
    }
  }

  @Test
  void aHugeAnnouncedBodyIsAnswered413BeforeAByteOfItIsSent() throws Exception {
    try (Server server = new Server(HttpServerLimits.DEFAULT); Socket s = server.connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head(10_737_418_240L).getBytes(StandardCharsets.US_ASCII));
      out.write('x'); // and then 1 byte a second, if the server waited
      out.flush();
      RawResponse r = RawResponse.read(s.getInputStream());
      assertEquals(413, r.status(), r.head());
      assertEquals("close", r.header("connection"));
      assertEquals(1, server.counter("tapio_otlp_receiver_malformed_requests", "reason",
          "too_large"));
      assertTrue(closedByServer(s));
    }
  }

  @Test
  void aClientSendingFiftyMebibytesReadsIts413RatherThanAReset() throws Exception {
    try (Server server = new Server(HttpServerLimits.DEFAULT); Socket s = server.connect()) {
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        OutputStream out = s.getOutputStream();
        writer.submit(() -> {
          byte[] chunk = new byte[64 << 10];
          out.write(head(50L << 20).getBytes(StandardCharsets.US_ASCII));
          for (int i = 0; i < 800; i++) { // 50 MiB, as a client that does not read as it sends
            out.write(chunk);
          }
          return null;
        });
        RawResponse r = RawResponse.read(s.getInputStream());
        assertEquals(413, r.status(), r.head());
      } finally {
        writer.shutdownNow();
      }
    }
  }

  @Test
  void brokenChunkSizesAre400AndCounted() throws Exception {
    String[] sizes = {"zz", "-1", "FFFFFFFFFFFFFFFFFF"};
    try (Server server = new Server(HttpServerLimits.DEFAULT)) {
      for (String size : sizes) {
        try (Socket s = server.connect()) {
          OutputStream out = s.getOutputStream();
          out.write(("POST /v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n"
              + size + "\r\nabc\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          RawResponse r = RawResponse.read(s.getInputStream());
          assertEquals(400, r.status(), size + ": " + r.head());
          assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("malformed HTTP"),
              size);
        }
      }
      assertEquals(sizes.length, server.counter(FRAMING, "protocol", "http", "reason",
          "bad_framing"));
      assertEquals(0, server.sink.itemCount());
      assertEquals(200, server.post());
    }
  }

  @Test
  void oversizedHeadersAre431AndALongRequestLineIs414() throws Exception {
    try (Server server = new Server(HttpServerLimits.DEFAULT)) {
      try (Socket s = server.connect()) {
        s.getOutputStream().write(("POST /v1/logs HTTP/1.1\r\nX-Big: " + "a".repeat(70_000)
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(431, RawResponse.read(s.getInputStream()).status());
      }
      try (Socket s = server.connect()) {
        s.getOutputStream().write(("POST /" + "a".repeat(10_000) + " HTTP/1.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        assertEquals(414, RawResponse.read(s.getInputStream()).status());
      }
      assertEquals(1, server.counter(FRAMING, "protocol", "http", "reason",
          "headers_too_large"));
      assertEquals(1, server.counter(FRAMING, "protocol", "http", "reason", "line_too_long"));
    }
  }

  @Test
  void connectionsPastTheCapAreClosedAtOnceAndCounted() throws Exception {
    int cap = 20;
    try (Server server = new Server(limits(Duration.ofMinutes(1), Duration.ofMinutes(1), cap,
        0))) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < cap; i++) {
          idle.add(server.connect());
        }
        // Each admitted before the next: the gate counts them as they are accepted.
        waitFor(() -> server.receiverOpen() == cap);
        for (int i = 0; i < 5; i++) {
          try (Socket extra = server.connect()) {
            extra.setSoTimeout(5_000);
            assertTrue(closedByServer(extra), "connection " + (cap + i + 1) + " stayed open");
          }
        }
        assertEquals(5, server.counter(CONNECTIONS, "protocol", "http", "reason",
            "max_connections"));
        idle.removeFirst().close();
        waitFor(() -> server.receiverOpen() == cap - 1);
        assertEquals(200, server.post(), "a place freed is a place for the next client");
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void oneClientAddressCannotTakeEveryConnection() throws Exception {
    int perClient = 10;
    try (Server server = new Server(limits(Duration.ofMinutes(1), Duration.ofMinutes(1), 0,
        perClient))) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < perClient + 3; i++) {
          idle.add(server.connect()); // from 127.0.0.1
        }
        waitFor(() -> server.counter(CONNECTIONS, "protocol", "http", "reason",
            "max_connections_per_client") == 3);
        // Another loopback address is another client.
        assertEquals(200, server.post(InetAddress.getByName("127.0.0.2")));
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void aRecordWithTooManyAttributesKeepsTheCapAndCountsTheRest() throws Exception {
    HttpServerLimits d = HttpServerLimits.DEFAULT;
    var capped = new HttpServerLimits(d.readHeaderTimeout(), d.readTimeout(), d.writeTimeout(),
        d.idleTimeout(), 0, 0, 10);
    try (Server server = new Server(capped)) {
      var logs = new dev.tapio.pdata.Logs();
      var record = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords()
          .appendEmpty();
      for (int i = 0; i < 50; i++) {
        record.attributes().putLong("k" + i, i);
      }
      byte[] body = Samples.bytes(logs);
      try (Socket s = server.connect()) {
        s.getOutputStream().write(head(body.length).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        assertEquals(200, RawResponse.read(s.getInputStream()).status());
      }
      var received = server.sink.logRecords().getFirst();
      assertEquals(10, received.attributes().size());
      assertEquals("k9", received.attributes().key(9), "the first keys are kept");
      assertEquals(40, received.droppedAttributesCount());
      assertEquals(40, server.counter("tapio_otlp_receiver_dropped_attributes"));
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!c.holds()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached in 20 s");
      Thread.sleep(10);
    }
  }
}
