package dev.tapio.plugin.ebpf.network;

import static dev.tapio.plugin.ebpf.network.KernelEventsTest.assumeRootWithBtf;
import static dev.tapio.plugin.ebpf.network.KernelEventsTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optional UDP flows on the real kernel: real DatagramSockets on loopback. */
class UdpFlowsTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final int DATAGRAMS = 10;
  private static final int REQUEST = 100;
  private static final int REPLY = 250;

  @Test
  void udpKeysAreReadAndOffByDefault() throws Exception {
    assertEquals(new EbpfNetworkConfig.Udp(false, Duration.ofSeconds(30), 16384),
        config("").udp());
    assertEquals(new EbpfNetworkConfig.Udp(true, Duration.ofMillis(200), 64),
        config("udp: {enabled: true, idle_timeout: 200ms, table_size: 64}").udp());
    ConfigException e = assertThrows(ConfigException.class, () -> config(
        "udp: {enabled: true, idle_timeout: 1ms, table_size: 8}"));
    assertTrue(e.getMessage().contains("udp.idle_timeout")
        && e.getMessage().contains("udp.table_size"), e.getMessage());
  }

  /** Client sends DATAGRAMS × REQUEST bytes, the server answers each with REPLY bytes. */
  private static void exchange(DatagramSocket client, DatagramSocket server) throws Exception {
    byte[] in = new byte[1024];
    for (int i = 0; i < DATAGRAMS; i++) {
      client.send(new DatagramPacket(new byte[REQUEST], REQUEST,
          server.getLocalSocketAddress()));
      DatagramPacket got = new DatagramPacket(in, in.length);
      server.receive(got);
      assertEquals(REQUEST, got.getLength());
      server.send(new DatagramPacket(new byte[REPLY], REPLY, got.getSocketAddress()));
      DatagramPacket reply = new DatagramPacket(in, in.length);
      client.receive(reply);
      assertEquals(REPLY, reply.getLength());
    }
  }

  private static DatagramSocket bound() throws Exception {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(
        InetAddress.getByName("127.0.0.1"), 0));
    s.setSoTimeout(5000);
    return s;
  }

  private static List<LogRecord> flows(ConsumerSink sink, int localPort, int peerPort) {
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord r : sink.logRecords()) {
      Attributes a = r.attributes();
      if (r.eventName().equals(NetworkEvents.FLOW)
          && a.getLong("network.local.port", -1) == localPort
          && a.getLong("network.peer.port", -1) == peerPort) {
        out.add(r);
      }
    }
    return out;
  }

  private static long sum(List<LogRecord> records, String key) {
    long s = 0;
    for (LogRecord r : records) {
      s += r.attributes().getLong(key, 0);
    }
    return s;
  }

  /** Both ends' flows: exact datagrams and bytes each way, this JVM's pid. */
  private static void assertExact(ConsumerSink sink, int clientPort, int serverPort,
      String endReason) {
    List<LogRecord> client = flows(sink, clientPort, serverPort);
    List<LogRecord> server = flows(sink, serverPort, clientPort);
    assertFalse(client.isEmpty(), "no flow record for the client: " + sink.logRecords());
    assertFalse(server.isEmpty(), "no flow record for the server: " + sink.logRecords());
    assertEquals(DATAGRAMS, sum(client, "network.io.packets_sent"));
    assertEquals(DATAGRAMS * REQUEST, sum(client, "network.io.bytes_sent"));
    assertEquals(DATAGRAMS, sum(client, "network.io.packets_received"));
    assertEquals(DATAGRAMS * REPLY, sum(client, "network.io.bytes_received"));
    assertEquals(DATAGRAMS, sum(server, "network.io.packets_sent"));
    assertEquals(DATAGRAMS * REPLY, sum(server, "network.io.bytes_sent"));
    assertEquals(DATAGRAMS, sum(server, "network.io.packets_received"));
    assertEquals(DATAGRAMS * REQUEST, sum(server, "network.io.bytes_received"));
    List<LogRecord> all = new ArrayList<>(client);
    all.addAll(server);
    for (LogRecord r : all) {
      Attributes a = r.attributes();
      assertEquals(PID, a.getLong("process.pid", -1), r.toString());
      assertEquals("udp", a.getString("network.transport"));
      assertEquals("ipv4", a.getString("network.type"), r.toString());
      assertEquals("127.0.0.1", a.getString("network.local.address"), r.toString());
      assertEquals("127.0.0.1", a.getString("network.peer.address"), r.toString());
      assertTrue(a.getString("process.executable.name") != null, r.toString());
      assertTrue(a.getDouble("network.connection.duration", -1) >= 0, r.toString());
      assertEquals(endReason, a.getString("network.flow.end_reason"), r.toString());
      long skew = Math.abs(r.timeUnixNano() / 1_000_000 - System.currentTimeMillis());
      assertTrue(skew < 60_000, "event time is Unix time, off by " + skew + "ms");
    }
  }

  @Test
  void idleFlowsCarryExactDatagramsAndBytesBothWays() throws Exception {
    assumeRootWithBtf();
    try (DatagramSocket server = bound(); DatagramSocket client = bound()) {
      int serverPort = server.getLocalPort();
      int clientPort = client.getLocalPort();
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ports: {include: [%d]}
          udp: {enabled: true, idle_timeout: 200ms}
          """.formatted(serverPort)), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
        exchange(client, server);
        // Reported once idle for 200 ms (scanned every 100 ms): wait for both ends' totals.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((sum(flows(sink, clientPort, serverPort), "network.io.packets_received")
            < DATAGRAMS || sum(flows(sink, serverPort, clientPort),
            "network.io.packets_received") < DATAGRAMS) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertExact(sink, clientPort, serverPort, "idle");
        assertEquals(0, ctx.gaugeValue("tapio_ebpf_network_udp_flows_evicted", "program",
            "network"));
      } finally {
        receiver.shutdown();
      }
    }
  }

  @Test
  void flowsStillActiveAreReportedAtShutdown() throws Exception {
    assumeRootWithBtf();
    try (DatagramSocket server = bound(); DatagramSocket client = bound()) {
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ports: {include: [%d]}
          udp: {enabled: true, idle_timeout: 1h}
          """.formatted(server.getLocalPort())), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
        exchange(client, server);
        Thread.sleep(100);
        assertTrue(flows(sink, client.getLocalPort(), server.getLocalPort()).isEmpty(),
            "a flow reported before it was idle");
      } finally {
        receiver.shutdown();
      }
      assertExact(sink, client.getLocalPort(), server.getLocalPort(), "shutdown");
    }
  }

  @Test
  void aFullFlowTableCountsItsEvictions() throws Exception {
    assumeRootWithBtf();
    int clients = 60;
    try (DatagramSocket server = bound()) {
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ports: {include: [%d]}
          udp: {enabled: true, idle_timeout: 1h, table_size: 16}
          """.formatted(server.getLocalPort())), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
        byte[] in = new byte[64];
        for (int i = 0; i < clients; i++) {
          try (DatagramSocket client = bound()) {
            client.send(new DatagramPacket(new byte[10], 10, server.getLocalSocketAddress()));
            server.receive(new DatagramPacket(in, in.length));
          }
        }
      } finally {
        receiver.shutdown();
      }
      // Each client's send and the server's receive from it: one flow each.
      long records = sink.logRecords().stream()
          .filter(r -> r.eventName().equals(NetworkEvents.FLOW)).count();
      double evicted = ctx.gaugeValue("tapio_ebpf_network_udp_flows_evicted", "program",
          "network");
      System.out.println("UDP flow table of 16, " + 2 * clients + " flows: " + records
          + " records, " + evicted + " evicted");
      assertTrue(evicted > 0, "a 16-entry table holding " + 2 * clients + " flows evicts");
      assertEquals(2L * clients, records + (long) evicted,
          "records " + records + " + evicted " + evicted);
    }
  }

  @Test
  void whenOffNoUdpProgramIsLoadedAndNoFlowIsReported() throws Exception {
    assumeRootWithBtf();
    try (DatagramSocket server = bound(); DatagramSocket client = bound()) {
      TestContext ctx = new TestContext("ebpf_network", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfNetworkReceiver receiver = new EbpfNetworkReceiver(ctx, config("""
          ports: {include: [%d]}
          """.formatted(server.getLocalPort())), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), "status: " + ctx.status() + " " + ctx.statusReason());
        exchange(client, server);
        Thread.sleep(200);
      } finally {
        receiver.shutdown();
      }
      for (LogRecord r : sink.logRecords()) {
        assertFalse(r.eventName().equals(NetworkEvents.FLOW), r.toString());
        assertFalse("udp".equals(r.attributes().getString("network.transport")), r.toString());
      }
      assertTrue(Double.isNaN(ctx.gaugeValue("tapio_ebpf_network_udp_flows_evicted",
          "program", "network")), "no UDP gauge when off");
    }
  }
}
