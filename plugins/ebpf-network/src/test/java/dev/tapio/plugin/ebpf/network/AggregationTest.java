package dev.tapio.plugin.ebpf.network;

import static dev.tapio.plugin.ebpf.network.KernelEventsTest.assumeRootWithBtf;
import static dev.tapio.plugin.ebpf.network.KernelEventsTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.pdata.LogRecord;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In-kernel aggregation on the real kernel: a connection flood far over a tiny threshold is
 * accounted for exactly, connection by connection, between individual records and aggregates.
 */
class AggregationTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final int N = 2000;
  private static final int PAYLOAD = 3;

  /** Sums of the individual and aggregated records of one direction. */
  private record Tally(long closes, long opens, long aggregated, long aggregateBytesSent,
      long aggregateBytesReceived, long aggregateRecords) {
    long total() {
      return closes + aggregated;
    }
  }

  private static Tally tally(List<LogRecord> records, String direction, String portKey,
      int port) {
    long closes = 0;
    long opens = 0;
    long aggregated = 0;
    long sent = 0;
    long received = 0;
    long aggregates = 0;
    for (LogRecord r : records) {
      if (!direction.equals(r.attributes().getString("network.connection.direction"))
          || r.attributes().getLong(portKey, -1) != port) {
        continue;
      }
      switch (r.eventName()) {
        case NetworkEvents.CLOSE -> closes++;
        case NetworkEvents.OPEN -> opens++;
        case NetworkEvents.AGGREGATE -> {
          aggregates++;
          aggregated += r.attributes().getLong("network.connection.count", 0);
          sent += r.attributes().getLong("network.io.bytes_sent", 0);
          received += r.attributes().getLong("network.io.bytes_received", 0);
        }
        default -> { }
      }
    }
    return new Tally(closes, opens, aggregated, sent, received, aggregates);
  }

  @Test
  void aFloodOverTheThresholdIsSplitExactlyBetweenRecordsAndAggregates() throws Exception {
    assumeRootWithBtf();
    InetAddress addr = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 50, addr)) {
      int port = server.getLocalPort();
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      // A big ring so that nothing is lost to it: the only relief here is aggregation.
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ring_buffer_size: 16MiB
          ports: {include: [%d]}
          aggregation: {threshold_per_second: 10, short_lived: 30s, window: 50ms}
          """.formatted(port)), sink);
      receiver.start(new TestHost());
      EbpfProgram kernel = receiver.kernel();
      byte[] payload = new byte[PAYLOAD];
      double tableFull;
      try {
        for (int i = 0; i < N; i++) {
          try (Socket client = new Socket(addr, port); Socket accepted = server.accept()) {
            client.getOutputStream().write(payload);
            KernelEventsTest.readExactly(accepted.getInputStream(), PAYLOAD);
            accepted.close();
            assertEquals(-1, client.getInputStream().read());
          }
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
          List<LogRecord> records = sink.logRecords();
          if (tally(records, "outbound", "network.peer.port", port).total() >= N
              && tally(records, "inbound", "network.local.port", port).total() >= N) {
            break;
          }
          Thread.sleep(50);
        }
        tableFull = ctx.gaugeValue("tapio_ebpf_network_aggregate_table_full", "program",
            "network");
      } finally {
        receiver.shutdown(); // last drain of the ring and the aggregates, last counter read
      }
      List<LogRecord> records = sink.logRecords();
      Tally out = tally(records, "outbound", "network.peer.port", port);
      Tally in = tally(records, "inbound", "network.local.port", port);
      System.out.println("aggregation of " + N + " connections: outbound " + out + ", inbound "
          + in);
      assertEquals(0, KernelEventsTest.ringDrops(kernel), "the ring must not overflow here");
      assertEquals(N, out.closes() + out.aggregated(), "outbound " + out);
      assertEquals(N, in.closes() + in.aggregated(), "inbound " + in);
      assertEquals(N, out.opens() + out.aggregated(), "outbound opens " + out);
      assertEquals(N, in.opens() + in.aggregated(), "inbound opens " + in);
      assertTrue(out.aggregated() > N / 2, "a flood 100x over the threshold must be mostly"
          + " aggregated: " + out);
      assertTrue(out.aggregateRecords() < out.aggregated(), "aggregates fold connections");
      // Exact payload, as in the individual records.
      assertEquals(PAYLOAD * out.aggregated(), out.aggregateBytesSent(), "outbound " + out);
      assertEquals(0, out.aggregateBytesReceived(), "outbound " + out);
      assertEquals(PAYLOAD * in.aggregated(), in.aggregateBytesReceived(), "inbound " + in);
      assertEquals(0, in.aggregateBytesSent(), "inbound " + in);
      // Every folded connection is counted as aggregated, open and close alike.
      long folded = out.aggregated() + in.aggregated();
      assertEquals(folded, ctx.counterValue("tapio_events_dropped", "program", "network_close",
          "reason", "aggregated"));
      assertEquals(folded, ctx.counterValue("tapio_events_dropped", "program", "network_open",
          "reason", "aggregated"));
      LogRecord aggregate = records.stream()
          .filter(r -> r.eventName().equals(NetworkEvents.AGGREGATE)).findFirst().orElseThrow();
      assertEquals(PID, aggregate.attributes().getLong("process.pid", -1));
      assertEquals("127.0.0.1", aggregate.attributes().getString("network.peer.address"));
      assertEquals("ipv4", aggregate.attributes().getString("network.type"));
      assertTrue(aggregate.attributes().getDouble("tapio.aggregation.window", -1) >= 0);
      assertTrue(aggregate.attributes().getDouble("network.connection.duration", -1) >= 0);
      assertEquals(0.0, tableFull, "the table has room for one key per direction");
    }
  }

  /** One connection to {@code server}: the client sends the payload, the server closes first. */
  private static void connection(ServerSocket server, byte[] payload) throws Exception {
    try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      client.getOutputStream().write(payload);
      KernelEventsTest.readExactly(accepted.getInputStream(), payload.length);
      accepted.close();
      assertEquals(-1, client.getInputStream().read());
    }
  }

  @Test
  void heldBackOpensOfLongerConnectionsAreEmittedAtCloseWithTheirOwnTime() throws Exception {
    assumeRootWithBtf();
    int n = 300;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = server.getLocalPort();
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      // Every connection outlives 1ns: nothing is folded, every held-back open comes late.
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ring_buffer_size: 16MiB
          ports: {include: [%d]}
          aggregation: {threshold_per_second: 10, short_lived: 1ns, window: 200ms}
          """.formatted(port)), sink);
      receiver.start(new TestHost());
      try {
        for (int i = 0; i < n; i++) {
          connection(server, new byte[PAYLOAD]);
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (tally(sink.logRecords(), "outbound", "network.peer.port", port).closes() < n
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        receiver.shutdown();
      }
      List<LogRecord> records = sink.logRecords();
      Tally out = tally(records, "outbound", "network.peer.port", port);
      Tally in = tally(records, "inbound", "network.local.port", port);
      assertEquals(new Tally(n, n, 0, 0, 0, 0), out);
      assertEquals(new Tally(n, n, 0, 0, 0, 0), in);
      assertEquals(0, ctx.counterValue("tapio_events_dropped", "program", "network_open",
          "reason", "aggregated"));
      // A late open carries the time the connection was established, before its close.
      Map<Long, Long> openedAt = new HashMap<>();
      List<LogRecord> closes = new ArrayList<>();
      for (LogRecord r : records) {
        if (r.attributes().getLong("network.peer.port", -1) != port) {
          continue;
        }
        long clientPort = r.attributes().getLong("network.local.port", -1);
        if (r.eventName().equals(NetworkEvents.OPEN)) {
          openedAt.put(clientPort, r.timeUnixNano());
        } else if (r.eventName().equals(NetworkEvents.CLOSE)) {
          closes.add(r);
        }
      }
      for (LogRecord close : closes) {
        Long opened = openedAt.get(close.attributes().getLong("network.local.port", -1));
        assertTrue(opened != null && opened <= close.timeUnixNano(), "open before close");
      }
    }
  }

  @Test
  void aFullAggregateTableReportsConnectionsSinglyAndSaysSo() throws Exception {
    assumeRootWithBtf();
    int addresses = 20; // servers on 127.0.0.2..21: one outbound key each
    int perAddress = 50;
    List<ServerSocket> servers = new ArrayList<>();
    try {
      ServerSocket first = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
      servers.add(first);
      int port = first.getLocalPort();
      for (int a = 3; a < 2 + addresses; a++) {
        servers.add(new ServerSocket(port, 50, InetAddress.getByName("127.0.0." + a)));
      }
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ring_buffer_size: 16MiB
          ports: {include: [%d]}
          aggregation: {threshold_per_second: 10, short_lived: 30s, window: 10s, table_size: 16}
          """.formatted(port)), sink);
      receiver.start(new TestHost());
      int n = addresses * perAddress;
      double tableFull;
      try {
        for (int i = 0; i < perAddress; i++) {
          for (ServerSocket server : servers) {
            connection(server, new byte[PAYLOAD]);
          }
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (tally(sink.logRecords(), "outbound", "network.peer.port", port).closes()
            + KernelEventsTest.ringDrops(receiver.kernel()) < n - 16L * perAddress
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        tableFull = ctx.gaugeValue("tapio_ebpf_network_aggregate_table_full", "program",
            "network");
      } finally {
        receiver.shutdown(); // the 10s window has not passed: aggregates come from this drain
      }
      List<LogRecord> records = sink.logRecords();
      Tally out = tally(records, "outbound", "network.peer.port", port);
      Tally in = tally(records, "inbound", "network.local.port", port);
      System.out.println("full table: outbound " + out + ", inbound " + in + ", table full "
          + tableFull);
      assertEquals(n, out.total(), "outbound " + out);
      assertEquals(n, in.total(), "inbound " + in);
      assertTrue(tableFull > 0, "folds refused by the full table are counted");
      assertTrue(out.aggregateRecords() + in.aggregateRecords() <= 16, "bounded by the table");
      // 21 keys (20 peer addresses outbound, 1 inbound: every client is 127.0.0.1) for 16
      // entries: the connections of at least 4 keys cannot be folded and come singly.
      assertTrue(tableFull >= 4 * perAddress, "table full " + tableFull);
      assertTrue(out.closes() + in.closes() >= tableFull, "refused folds are reported singly");
      assertTrue(out.aggregated() > 0, "the others are aggregated: " + out);
      assertEquals(out.aggregated() + in.aggregated(), ctx.counterValue("tapio_events_dropped",
          "program", "network_close", "reason", "aggregated"));
    } finally {
      for (ServerSocket s : servers) {
        s.close();
      }
    }
  }
}
