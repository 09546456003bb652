package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.testkit.ConsumerSink;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OTLP/gRPC receiver against hostile clients (issue 10): too many connections, connections
 * that never finish the HTTP/2 handshake or never send a call, HTTP/2 rapid reset, oversized
 * messages and compression bombs. Loopback only; every wait is bounded.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GrpcHostileClientTest {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SETTINGS = 0x4;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int ENHANCE_YOUR_CALM = 0xb;

  private final ConsumerSink sink = new ConsumerSink();

  private static OtlpReceiverConfig.Grpc grpc(GrpcServerKeepalive keepalive,
      GrpcServerLimits limits) {
    return new OtlpReceiverConfig.Grpc("127.0.0.1:0", 1, null, "", keepalive, limits);
  }

  private static GrpcServerLimits limits(int max, int perClient, Duration handshake) {
    GrpcServerLimits d = GrpcServerLimits.DEFAULT;
    return new GrpcServerLimits(max, perClient, handshake, d.maxRstStreams(),
        d.maxRstStreamsWindow());
  }

  private static long refused(GrpcTest.GrpcReceiver receiver, String reason) {
    return receiver.logsContext.counterValue("tapio_otlp_receiver_refused_connections",
        "protocol", "grpc", "reason", reason);
  }

  private static double open(GrpcTest.GrpcReceiver receiver) {
    return receiver.logsContext.gaugeValue("tapio_otlp_receiver_connections", "protocol",
        "grpc");
  }

  private static void await(String what, LongSupplier value, long expected, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (value.getAsLong() != expected) {
      if (System.nanoTime() > deadline) {
        assertEquals(expected, value.getAsLong(), what + " after " + bound);
      }
      Thread.sleep(10);
    }
  }

  private static Socket connect(GrpcTest.GrpcReceiver receiver, String from) throws IOException {
    Socket s = new Socket();
    if (from != null) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", port(receiver)), 5_000);
    return s;
  }

  private static int port(GrpcTest.GrpcReceiver receiver) {
    String endpoint = receiver.endpoint();
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  /** Whether the server closes {@code s} (end of stream or reset) within {@code bound}. */
  private static boolean closedByServer(Socket s, Duration bound) throws IOException {
    s.setSoTimeout((int) bound.toMillis());
    try {
      byte[] buffer = new byte[4096];
      while (s.getInputStream().read(buffer) >= 0) {
        // Frames before the close (SETTINGS, GOAWAY) are not what this waits for.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  /**
   * Whether a new connection from {@code from} is closed by the server within {@code bound}: reset
   * as it is accepted, it may fail even before {@code connect} returns.
   */
  private static boolean refused(GrpcTest.GrpcReceiver receiver, String from, Duration bound)
      throws IOException {
    Socket s;
    try {
      s = connect(receiver, from);
    } catch (SocketException e) {
      return true;
    }
    try (s) {
      return closedByServer(s, bound);
    }
  }

  private static void exportThrough(String endpoint) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      byte[] answer = ClientCalls.blockingUnaryCall(channel, OtlpGrpc.method(Signal.LOGS),
          CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
          Samples.bytes(Samples.logs(0, 3)));
      assertArrayEquals(new byte[0], answer);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a test socket
      }
    }
  }

  @Test
  void connectionsOverMaxConnectionsAreResetAndClientsGetInWhenOthersLeave() throws Exception {
    var config = grpc(GrpcServerKeepalive.DEFAULT, limits(20, 0, Duration.ofSeconds(60)));
    List<Socket> attackers = new ArrayList<>();
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, config)) {
      for (int i = 0; i < 20; i++) {
        attackers.add(connect(receiver, null));
      }
      await("connections open", () -> (long) open(receiver), 20, Duration.ofSeconds(10));
      long start = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        assertTrue(refused(receiver, null, Duration.ofSeconds(10)), "extra connection " + i);
      }
      long perRefusalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / 10;
      assertTrue(perRefusalMillis < 2_000, perRefusalMillis + " ms per refusal");
      assertEquals(10, refused(receiver, "max_connections"));
      assertEquals(20, (long) open(receiver), "the refused never counted as open");
      // An exporter cannot get in while the attackers hold every connection ...
      ManagedChannel early = NettyChannelBuilder.forTarget(receiver.endpoint()).usePlaintext()
          .build();
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(early, OtlpGrpc.method(Signal.LOGS),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                Samples.bytes(Samples.logs(0, 1))));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      } finally {
        early.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      // ... and does once some of them leave.
      closeAll(attackers.subList(0, 5));
      await("connections open", () -> (long) open(receiver), 15, Duration.ofSeconds(10));
      exportThrough(receiver.endpoint());
      assertEquals(3, sink.itemCount());
    } finally {
      closeAll(attackers);
    }
  }

  @Test
  void connectionsOverMaxConnectionsPerClientAreResetOtherClientsAreNot() throws Exception {
    var config = grpc(GrpcServerKeepalive.DEFAULT, limits(0, 5, Duration.ofSeconds(60)));
    List<Socket> attackers = new ArrayList<>();
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, config)) {
      for (int i = 0; i < 5; i++) {
        attackers.add(connect(receiver, "127.0.0.1"));
      }
      await("connections open", () -> (long) open(receiver), 5, Duration.ofSeconds(10));
      for (int i = 0; i < 3; i++) {
        assertTrue(refused(receiver, "127.0.0.1", Duration.ofSeconds(10)),
            "extra connection " + i);
      }
      assertEquals(3, refused(receiver, "max_connections_per_client"));
      // Another address (all of 127/8 is loopback on Linux) has its own allowance.
      try (Socket other = connect(receiver, "127.0.0.2")) {
        await("connections open", () -> (long) open(receiver), 6, Duration.ofSeconds(10));
        assertFalse(closedByServer(other, Duration.ofMillis(300)), "admitted");
      }
      assertEquals(3, refused(receiver, "max_connections_per_client"));
      closeAll(attackers.subList(0, 1));
      await("connections open", () -> (long) open(receiver), 4, Duration.ofSeconds(10));
      exportThrough(receiver.endpoint());
      assertEquals(3, sink.itemCount());
    } finally {
      closeAll(attackers);
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
    var config = grpc(GrpcServerKeepalive.DEFAULT, limits(0, 0, Duration.ofSeconds(1)));
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, config);
        Socket silent = connect(receiver, null)) {
      long start = System.nanoTime();
      assertTrue(closedByServer(silent, Duration.ofSeconds(15)), "closed");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 800, "closed after " + millis + " ms, before the timeout");
      await("connections open", () -> (long) open(receiver), 0, Duration.ofSeconds(10));
    }
  }

  @Test
  void aConnectionThatSendsThePrefaceAndNothingElseGetsGoawayAndIsClosed() throws Exception {
    GrpcServerKeepalive d = GrpcServerKeepalive.DEFAULT;
    var keepalive = new GrpcServerKeepalive(Duration.ofSeconds(1), d.maxConnectionAge(),
        d.maxConnectionAgeGrace(), d.time(), d.timeout(), d.minTime(), d.permitWithoutStream(),
        d.maxConcurrentStreams());
    var config = grpc(keepalive, GrpcServerLimits.DEFAULT);
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, config);
        Socket idle = connect(receiver, null)) {
      OutputStream out = idle.getOutputStream();
      out.write(PREFACE);
      out.write(frame(SETTINGS, 0, 0, new byte[0]));
      out.flush();
      long start = System.nanoTime();
      idle.setSoTimeout(30_000);
      DataInputStream in = new DataInputStream(idle.getInputStream());
      long goawayMillis = -1;
      boolean closed = false;
      try {
        while (true) {
          Frame f = Frame.read(in);
          // PINGs go unanswered, as an attacker's would: grpc-java closes 10 s after its GOAWAY.
          if (f.type() == GOAWAY && goawayMillis < 0) {
            goawayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          }
        }
      } catch (EOFException | SocketException e) {
        closed = true;
      } catch (SocketTimeoutException e) {
        // not closed: asserted below
      }
      long closedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(goawayMillis >= 800 && goawayMillis < 10_000, "GOAWAY after " + goawayMillis
          + " ms");
      assertTrue(closed, "closed within 30 s");
      assertTrue(closedMillis < 30_000, "closed after " + closedMillis + " ms");
      await("connections open", () -> (long) open(receiver), 0, Duration.ofSeconds(10));
    }
  }

  @Test
  void rapidResetGetsGoawayEnhanceYourCalmAndTheConnectionClosed() throws Exception {
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, 1);
        Socket attacker = connect(receiver, null)) {
      attacker.setSoTimeout(30_000);
      DataInputStream in = new DataInputStream(attacker.getInputStream());
      CompletableFuture<Integer> goaway = CompletableFuture.supplyAsync(() -> {
        try {
          while (true) {
            Frame f = Frame.read(in);
            if (f.type() == GOAWAY) {
              return (int) readInt(f.payload(), 4); // error code, after the last stream id
            }
          }
        } catch (IOException e) {
          return -1;
        }
      });
      OutputStream out = attacker.getOutputStream();
      out.write(PREFACE);
      out.write(frame(SETTINGS, 0, 0, new byte[0]));
      byte[] headers = requestHeaders(port(receiver));
      byte[] cancel = {0, 0, 0, 8}; // CANCEL, as a client cancelling a call sends
      int pairs = 10_000;
      int sent = 0;
      long start = System.nanoTime();
      try {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < pairs; i++) {
          int stream = 2 * i + 1;
          batch.write(frame(HEADERS, 0x4, stream, headers)); // END_HEADERS, stream left open
          batch.write(frame(RST_STREAM, 0, stream, cancel));
          if (batch.size() > 16 << 10 || i == pairs - 1) {
            out.write(batch.toByteArray());
            batch.reset();
            sent = i + 1;
          }
        }
        out.flush();
      } catch (SocketException e) {
        // The server closed the connection while pairs were still being written.
      }
      Integer code = goaway.get(45, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(ENHANCE_YOUR_CALM, code, "GOAWAY's error code");
      assertTrue(closedByServer(attacker, Duration.ofSeconds(15)), "closed after GOAWAY");
      System.out.printf("rapid reset: GOAWAY ENHANCE_YOUR_CALM after %d ms; %d of %d pairs "
          + "written before the close%n", millis, sent, pairs);
      await("connections open", () -> (long) open(receiver), 0, Duration.ofSeconds(10));
      exportThrough(receiver.endpoint()); // and the server serves others
    }
  }

  /**
   * Compressed, 16 MiB of zeros: a few KiB on the wire, refused as it decompresses past the
   * 1 MiB limit. Uncompressed, 2 MiB: refused by grpc-java as the message's length arrives.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd", "identity"})
  void anOversizedMessageIsResourceExhaustedCountedTooLargeAndNotLogged(String encoding)
      throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
          logged.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(sink, sink, sink, 1)) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(receiver.endpoint())
          .usePlaintext().compressorRegistry(Codecs.compressors(1)).build();
      try {
        byte[] message = new byte[encoding.equals("identity") ? 2 << 20 : 16 << 20];
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(channel, OtlpGrpc.method(Signal.LOGS),
                CallOptions.DEFAULT.withCompression(encoding)
                    .withDeadlineAfter(30, TimeUnit.SECONDS), message));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
        // Counted as the server's side of the call closes, which may follow the answer.
        await("too_large", () -> receiver.logsContext.counterValue(
            "tapio_otlp_receiver_malformed_requests", "reason", "too_large"), 1,
            Duration.ofSeconds(10));
        assertEquals(0, sink.itemCount());
        // The server goes on serving, on the same connection.
        byte[] ok = ClientCalls.blockingUnaryCall(channel, OtlpGrpc.method(Signal.LOGS),
            CallOptions.DEFAULT.withCompression(encoding), Samples.bytes(Samples.logs(0, 2)));
        assertEquals(0, ok.length);
        assertEquals(2, sink.itemCount());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      root.removeHandler(capture);
    }
    assertTrue(logged.isEmpty(), () -> "logged: " + logged.stream()
        .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).toList());
  }

  /** An HTTP/2 frame: 9-byte header, then the payload. */
  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  private record Frame(int type, int flags, int stream, byte[] payload) {
    static Frame read(DataInputStream in) throws IOException {
      int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8
          | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7fffffff;
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Frame(type, flags, stream, payload);
    }
  }

  private static long readInt(byte[] b, int at) {
    return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  /**
   * The header block of a logs Export call, every field a literal without indexing and with a
   * new name, so the same block stands for every stream (the HPACK table never changes).
   */
  private static byte[] requestHeaders(int port) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    String[][] fields = {{":method", "POST"}, {":scheme", "http"},
        {":path", "/opentelemetry.proto.collector.logs.v1.LogsService/Export"},
        {":authority", "127.0.0.1:" + port}, {"content-type", "application/grpc"},
        {"te", "trailers"}};
    for (String[] field : fields) {
      b.write(0x00);
      for (String s : field) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        assertTrue(bytes.length < 127, "a one-byte HPACK length");
        b.write(bytes.length);
        b.writeBytes(bytes);
      }
    }
    return b.toByteArray();
  }
}
