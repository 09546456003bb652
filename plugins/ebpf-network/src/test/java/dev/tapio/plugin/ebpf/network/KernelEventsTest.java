package dev.tapio.plugin.ebpf.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Severity;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The receiver on the real kernel: real tracepoints, real loopback connections. */
class KernelEventsTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final int CLIENT_BYTES = 1000;
  private static final int SERVER_BYTES = 2500;

  static void assumeRootWithBtf() throws IOException {
    String status = Files.readString(Path.of("/proc/self/status"));
    boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:")
        && l.split("\\s+")[2].equals("0"));
    String why = !root ? "not running as root"
        : !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "the kernel has no BTF" : null;
    if (why != null) {
      System.out.println("SKIPPED eBPF network receiver test: " + why);
      Assumptions.abort(why);
    }
  }

  static EbpfNetworkConfig config(String yaml) throws Exception {
    return ComponentConfigs.read(new EbpfNetworkReceiverFactory(), yaml);
  }

  static List<LogRecord> find(ConsumerSink sink, String event, Predicate<LogRecord> p) {
    return sink.logRecords().stream().filter(r -> r.eventName().equals(event) && p.test(r))
        .toList();
  }

  static Predicate<LogRecord> local(int port) {
    return r -> r.attributes().getLong("network.local.port", -1) == port;
  }

  static void await(ConsumerSink sink, String event, Predicate<LogRecord> p, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (find(sink, event, p).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  static void readExactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertEquals(n, b.length);
  }

  private void exchange(String host, String type) throws Exception {
    assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(""), sink);
    receiver.start(new TestHost());
    try {
      assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
      InetAddress addr = InetAddress.getByName(host);
      int serverPort;
      int clientPort;
      try (ServerSocket server = new ServerSocket(0, 50, addr)) {
        serverPort = server.getLocalPort();
        try (Socket client = new Socket(addr, serverPort); Socket accepted = server.accept()) {
          clientPort = client.getLocalPort();
          client.getOutputStream().write(new byte[CLIENT_BYTES]);
          readExactly(accepted.getInputStream(), CLIENT_BYTES);
          accepted.getOutputStream().write(new byte[SERVER_BYTES]);
          readExactly(client.getInputStream(), SERVER_BYTES);
          // Orderly close on both sides (unread data would make the kernel send a reset).
          client.shutdownOutput();
          assertEquals(-1, accepted.getInputStream().read());
          accepted.close();
          assertEquals(-1, client.getInputStream().read());
        }
      }
      Predicate<LogRecord> clientSide = local(clientPort).and(
          r -> r.attributes().getLong("network.peer.port", -1) == serverPort);
      Predicate<LogRecord> serverSide = local(serverPort).and(
          r -> r.attributes().getLong("network.peer.port", -1) == clientPort);
      await(sink, NetworkEvents.CLOSE, clientSide, 1);
      await(sink, NetworkEvents.CLOSE, serverSide, 1);

      LogRecord outOpen = one(sink, NetworkEvents.OPEN, clientSide);
      LogRecord inOpen = one(sink, NetworkEvents.OPEN, serverSide);
      LogRecord outClose = one(sink, NetworkEvents.CLOSE, clientSide);
      LogRecord inClose = one(sink, NetworkEvents.CLOSE, serverSide);
      for (LogRecord r : List.of(outOpen, inOpen, outClose, inClose)) {
        var a = r.attributes();
        assertEquals(PID, a.getLong("process.pid", -1), r.toString());
        assertEquals("tcp", a.getString("network.transport"));
        assertEquals(type, a.getString("network.type"), r.toString());
        assertEquals(addr.getHostAddress().replace("0:0:0:0:0:0:0:1", "::1"),
            a.getString("network.local.address"));
        assertEquals(a.getString("network.local.address"), a.getString("network.peer.address"));
        assertEquals(Severity.INFO, r.severity());
        assertTrue(a.getString("process.executable.name") != null, r.toString());
      }
      assertEquals("outbound", outOpen.attributes().getString("network.connection.direction"));
      assertEquals("outbound", outClose.attributes().getString("network.connection.direction"));
      assertEquals("inbound", inOpen.attributes().getString("network.connection.direction"));
      assertEquals("inbound", inClose.attributes().getString("network.connection.direction"));
      assertEquals(CLIENT_BYTES, outClose.attributes().getLong("network.io.bytes_sent", -1));
      assertEquals(SERVER_BYTES, outClose.attributes().getLong("network.io.bytes_received", -1));
      assertEquals(SERVER_BYTES, inClose.attributes().getLong("network.io.bytes_sent", -1));
      assertEquals(CLIENT_BYTES, inClose.attributes().getLong("network.io.bytes_received", -1));
      for (LogRecord r : List.of(outClose, inClose)) {
        assertTrue(r.attributes().getDouble("network.connection.duration", -1) >= 0,
            r.toString());
        assertTrue(r.attributes().getLong("tcp.srtt_us", -1) >= 0, r.toString());
        assertEquals(0, r.attributes().getLong("tcp.retransmits", -1), r.toString());
      }
      long skew = Math.abs(outClose.timeUnixNano() / 1_000_000 - System.currentTimeMillis());
      assertTrue(skew < 60_000, "event time is Unix time, off by " + skew + "ms");
    } finally {
      receiver.shutdown();
    }
  }

  static LogRecord one(ConsumerSink sink, String event, Predicate<LogRecord> p) {
    List<LogRecord> found = find(sink, event, p);
    assertEquals(1, found.size(), event + ": " + found + " among " + sink.logRecords().stream()
        .map(r -> r.eventName() + " " + r.attributes()).toList());
    return found.get(0);
  }

  @Test
  void ipv4LoopbackExchangeGivesBothDirectionsWithExactBytes() throws Exception {
    exchange("127.0.0.1", "ipv4");
  }

  @Test
  void ipv6LoopbackExchangeGivesBothDirectionsWithExactBytes() throws Exception {
    exchange("::1", "ipv6");
  }

  @Test
  void connectToAClosedPortIsRefused() throws Exception {
    assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(""), sink);
    receiver.start(new TestHost());
    try {
      InetAddress addr = InetAddress.getByName("127.0.0.1");
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, addr)) {
        port = s.getLocalPort();
      }
      int clientPort;
      try (Socket client = new Socket()) {
        client.bind(new InetSocketAddress(addr, 0));
        clientPort = client.getLocalPort();
        assertThrows(ConnectException.class,
            () -> client.connect(new InetSocketAddress(addr, port)));
      }
      Predicate<LogRecord> mine = local(clientPort).and(
          r -> r.attributes().getLong("network.peer.port", -1) == port);
      await(sink, NetworkEvents.FAILED, mine, 1);
      LogRecord failed = one(sink, NetworkEvents.FAILED, mine);
      assertEquals("connection_refused", failed.attributes().getString("error.type"));
      assertEquals(Severity.WARN, failed.severity());
      assertEquals(PID, failed.attributes().getLong("process.pid", -1));
      assertEquals("outbound", failed.attributes().getString("network.connection.direction"));
      assertEquals("127.0.0.1", failed.attributes().getString("network.peer.address"));
      assertTrue(find(sink, NetworkEvents.OPEN, mine).isEmpty());
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void aConnectionOlderThanTheReceiverClosesWithoutOwnerAndIsCounted() throws Exception {
    assumeRootWithBtf();
    InetAddress addr = InetAddress.getByName("127.0.0.1");
    TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(""), sink);
    try (ServerSocket server = new ServerSocket(0, 50, addr);
        Socket client = new Socket(addr, server.getLocalPort());
        Socket accepted = server.accept()) {
      receiver.start(new TestHost());
      client.shutdownOutput();
      assertEquals(-1, accepted.getInputStream().read());
      accepted.close();
      assertEquals(-1, client.getInputStream().read());
      client.close();
      Predicate<LogRecord> clientSide = local(client.getLocalPort());
      await(sink, NetworkEvents.CLOSE, clientSide, 1);
      LogRecord close = one(sink, NetworkEvents.CLOSE, clientSide);
      assertEquals(-1, close.attributes().getLong("process.pid", -1), close.toString());
      assertEquals(server.getLocalPort(), close.attributes().getLong("network.peer.port", -1));
      assertTrue(find(sink, NetworkEvents.OPEN, clientSide).isEmpty());
      assertTrue(ctx.gaugeValue("tapio_ebpf_network_untracked_closes", "program", "network")
          >= 2, "both ends were untracked");
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void aResetConnectionYieldsCloseThenFailedWithReset() throws Exception {
    assumeRootWithBtf();
    TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(""), sink);
    receiver.start(new TestHost());
    try {
      InetAddress addr = InetAddress.getByName("127.0.0.1");
      int serverPort;
      int clientPort;
      try (ServerSocket server = new ServerSocket(0, 50, addr)) {
        serverPort = server.getLocalPort();
        try (Socket client = new Socket(addr, serverPort); Socket accepted = server.accept()) {
          clientPort = client.getLocalPort();
          client.setSoLinger(true, 0); // close() aborts with a reset
          client.close();
          assertThrows(IOException.class, () -> accepted.getInputStream().read());
        }
      }
      Predicate<LogRecord> serverSide = local(serverPort).and(
          r -> r.attributes().getLong("network.peer.port", -1) == clientPort);
      await(sink, NetworkEvents.FAILED, serverSide, 1);
      LogRecord failed = one(sink, NetworkEvents.FAILED, serverSide);
      assertEquals("reset", failed.attributes().getString("error.type"));
      assertEquals("received", failed.attributes().getString("network.connection.reset"));
      assertEquals("inbound", failed.attributes().getString("network.connection.direction"));
      assertEquals(PID, failed.attributes().getLong("process.pid", -1));
      assertEquals(1, find(sink, NetworkEvents.CLOSE, serverSide).size());
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void loopbackOffAndCidrFiltersAreCounted() throws Exception {
    assumeRootWithBtf();
    InetAddress addr = InetAddress.getByName("127.0.0.1");
    for (String yaml : List.of("loopback: false", "cidrs: {exclude: [127.0.0.0/8]}",
        "cidrs: {include: [10.0.0.0/8]}")) {
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(yaml), sink);
      receiver.start(new TestHost());
      EbpfProgram kernel = receiver.kernel();
      int port;
      try (ServerSocket server = new ServerSocket(0, 50, addr)) {
        port = server.getLocalPort();
        try (Socket client = new Socket(addr, port); Socket accepted = server.accept()) {
          client.close();
          assertEquals(-1, accepted.getInputStream().read());
        }
        Thread.sleep(200);
      } finally {
        receiver.shutdown();
      }
      int p = port;
      assertTrue(sink.logRecords().stream().noneMatch(r -> r.attributes().getLong(
          "network.local.port", -1) == p || r.attributes().getLong("network.peer.port", -1)
          == p), yaml + ": " + sink.logRecords());
      long filtered = yaml.startsWith("loopback")
          ? kernel.kernelDrops(1, 2) + kernel.kernelDrops(2, 2)
          : ctx.droppedCount("filtered");
      // open and close on each side; other loopback traffic on the machine may add more
      assertTrue(filtered >= 4, yaml + ": filtered " + filtered);
    }
  }

  @Test
  void aTinyRingUnderAConnectionFloodCountsEveryDropExactly() throws Exception {
    assumeRootWithBtf();
    InetAddress addr = InetAddress.getByName("127.0.0.1");
    int n = 1500;
    try (ServerSocket server = new ServerSocket(0, 50, addr)) {
      int port = server.getLocalPort();
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      // One page of ring, no early wake-up and a long poll: the flood must overflow it. Only
      // this server's port passes the kernel filter, so nothing else competes for the ring.
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ring_buffer_size: 4096
          ports: {include: [%d]}
          aggregation: {enabled: false}
          poll_timeout: 500ms
          wakeup_bytes: 1GiB
          wakeup_policy: fixed
          """.formatted(port)), sink);
      receiver.start(new TestHost());
      EbpfProgram kernel = receiver.kernel();
      try {
        for (int i = 0; i < n; i++) {
          try (Socket client = new Socket(addr, port); Socket accepted = server.accept()) {
            client.close();
            assertEquals(-1, accepted.getInputStream().read());
          }
        }
        // The last transitions (the client's close after the server's FIN) follow at once on
        // loopback; wait until everything is accounted for (drop counters are read each
        // second), or give up after 10 s and let the assertion below say what is missing.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sink.logRecords().size() + ringDrops(kernel) < 4L * n
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        receiver.shutdown(); // drains the ring and reads the drop counters a last time
      }
      long dropped = ringDrops(kernel);
      long seen = sink.logRecords().size();
      assertTrue(dropped > 0, "a one-page ring under " + n + " connections must overflow");
      // open and close on each side: four records per connection
      assertEquals(4L * n, seen + dropped, "seen " + seen + " + dropped " + dropped);
      assertEquals(kernel.kernelDrops(1, 0), ctx.counterValue("tapio_events_dropped",
          "program", "network_open", "reason", "ring_buffer_full"));
    }
  }

  static long ringDrops(EbpfProgram kernel) {
    long dropped = 0;
    for (int type = 1; type <= 3; type++) {
      dropped += kernel.kernelDrops(type, 0);
    }
    return dropped;
  }

  @Test
  void whenTheProgramCannotLoadItReportsDegraded() throws Exception {
    TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config(""), new ConsumerSink(),
        "missing.bpf.o");
    receiver.start(new TestHost());
    try {
      assertEquals(ComponentStatus.DEGRADED, ctx.status());
      assertTrue(ctx.statusReason().contains("missing.bpf.o"), ctx.statusReason());
      assertEquals(1, ctx.counterValue("tapio_ebpf_load_failures", "program", "network"));
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void fallbackNoneFailsTheStartWithTheReason() throws Exception {
    EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(
        new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS), config("fallback: none"),
        new ConsumerSink(), "missing.bpf.o");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> receiver.start(new TestHost()));
    assertTrue(e.getMessage().contains("missing.bpf.o"), e.getMessage());
  }
}
