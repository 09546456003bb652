package dev.tapio.plugin.ebpf.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The receiver on the real kernel against a real dnsmasq, with this JVM as the client: an
 * unconnected DatagramSocket, so sendto with an address and recvfrom.
 */
class KernelDnsTest {
  private static final long PID = ProcessHandle.current().pid();

  static void assumeRootWithBtfAndDnsmasq() throws IOException {
    String status = Files.readString(Path.of("/proc/self/status"));
    boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:")
        && l.split("\\s+")[2].equals("0"));
    String why = !root ? "not running as root"
        : !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "the kernel has no BTF"
        : dnsmasq() == null ? "dnsmasq is not installed (apt-get install dnsmasq)" : null;
    if (why != null) {
      System.out.println("SKIPPED eBPF dns receiver test: " + why);
      Assumptions.abort(why);
    }
  }

  static String dnsmasq() {
    for (String p : List.of("/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  private static final java.nio.file.Path DNSMASQ_LOG = java.nio.file.Path.of(
      System.getProperty("java.io.tmpdir"), "tapio-dnsmasq-" + ProcessHandle.current().pid()
      + ".log");

  static String log() {
    try {
      return java.nio.file.Files.readString(DNSMASQ_LOG);
    } catch (IOException e) {
      return "(no dnsmasq output: " + e.getMessage() + ")";
    }
  }

  /**
   * dnsmasq on 127.0.0.1:{@code port} (UDP and TCP) with these records, once it answers: the
   * queries that wait for it are sent before any receiver starts, so they are not recorded.
   */
  static Process startDnsmasq(int port, String... records) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(dnsmasq(), "--no-daemon",
        "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
        "--no-hosts", "--pid-file="));
    command.addAll(List.of(records));
    Process server = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(DNSMASQ_LOG.toFile()).start();
    boolean ready = false;
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(500);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ready && server.isAlive() && System.nanoTime() < deadline) {
        ready = ask(s, port, Packets.query(1, "ready.test", 1)) != null; // REFUSED will do
      }
    } finally {
      if (!ready) {
        stop(server);
      }
    }
    if (!ready) {
      throw new AssertionError("dnsmasq did not start: " + log());
    }
    return server;
  }

  static void stop(Process server) {
    server.destroy();
    try {
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    } catch (InterruptedException e) {
      server.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A port free for UDP and TCP on loopback: dnsmasq binds both. */
  static int freePort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        try (java.net.ServerSocket t = new java.net.ServerSocket(port, 1,
            InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          if (attempt > 50) {
            throw taken;
          }
        }
      }
    }
  }

  static EbpfDnsConfig config(String yaml) throws Exception {
    return ComponentConfigs.read(new EbpfDnsReceiverFactory(), yaml);
  }

  /** The response to a query, or null after 500 ms. */
  static byte[] ask(DatagramSocket s, int port, byte[] query) throws IOException {
    s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
      return java.util.Arrays.copyOf(buf, p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  static LogRecord one(ConsumerSink sink, String name, String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<LogRecord> found = sink.logRecords().stream()
          .filter(r -> r.eventName().equals("dns.query")
              && name.equals(r.attributes().getString("dns.question.name"))
              && type.equals(r.attributes().getString("dns.question.type"))
              && r.attributes().getLong("process.pid", -1) == PID)
          .toList();
      if (found.size() == 1) {
        return found.get(0);
      }
      assertTrue(found.size() < 2, "duplicates: " + found);
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no dns.query for " + name + " " + type + " in "
            + sink.logRecords());
      }
      Thread.sleep(10);
    }
  }

  static List<String> answers(LogRecord r) {
    return r.attributes().get("dns.answers").asArray().stream().map(AnyValue::asString)
        .toList();
  }

  static void assertAnswered(LogRecord r, int port, String rcode, List<String> answers) {
    assertEquals(rcode, r.attributes().getString("dns.response_code"), r.toString());
    assertEquals(answers, answers(r));
    assertEquals("127.0.0.1", r.attributes().getString("server.address"));
    assertEquals(port, r.attributes().getLong("server.port", -1));
    assertEquals("ipv4", r.attributes().getString("network.type"));
    assertTrue(!r.attributes().getBool("dns.truncated", true));
    double latency = r.attributes().getDouble("dns.lookup.duration", -1);
    assertTrue(latency > 0 && latency < 5, "latency " + latency);
    assertTrue(r.attributes().getLong("linux.cgroup.id", 0) != 0);
    assertEquals(null, r.attributes().getString("error.type"));
  }

  @Test
  void aRealClientAgainstDnsmasqGivesExactRecordsAndTimeouts() throws Exception {
    assumeRootWithBtfAndDnsmasq();
    int port = freePort();
    int silent = freePort();
    Process server = startDnsmasq(port, "--host-record=a.test,10.1.2.3",
        "--host-record=aaaa.test,fd00::1", "--cname=alias.test,a.test", "--address=/nx.test/");
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(500);
      TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("""
          ports: [%d, %d]
          timeout: 1s
          """.formatted(port, silent)), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), ctx.status() + " " + ctx.statusReason());
        assertTrue(ask(s, port, Packets.query(101, "a.test", 1)) != null);
        assertTrue(ask(s, port, Packets.query(102, "aaaa.test", 28)) != null);
        assertTrue(ask(s, port, Packets.query(103, "nx.test", 1)) != null);
        assertTrue(ask(s, port, Packets.query(104, "alias.test", 1)) != null);
        assertEquals(null, ask(s, silent, Packets.query(105, "lost.test", 1)));

        LogRecord a = one(sink, "a.test", "A");
        assertAnswered(a, port, "NOERROR", List.of("A 10.1.2.3"));
        assertEquals(101, a.attributes().getLong("dns.id", -1));
        // The thread group leader's name, whatever this thread is called.
        assertEquals(Files.readString(Path.of("/proc/self/comm")).strip(),
            a.attributes().getString("process.executable.name"));
        assertAnswered(one(sink, "aaaa.test", "AAAA"), port, "NOERROR", List.of("AAAA fd00::1"));
        assertAnswered(one(sink, "nx.test", "A"), port, "NXDOMAIN", List.of());
        assertAnswered(one(sink, "alias.test", "A"), port, "NOERROR",
            List.of("CNAME a.test", "A 10.1.2.3"));
        LogRecord lost = one(sink, "lost.test", "A");
        assertEquals("timeout", lost.attributes().getString("error.type"));
        assertEquals(silent, lost.attributes().getLong("server.port", -1));
        assertEquals(null, lost.attributes().getString("dns.response_code"));
        assertEquals(0, ctx.droppedCount("malformed"));
        // The socket is unconnected: each query was remembered in the kernel for a response
        // read without an address, and a response read with one (recvfrom) took it out too.
        long[] stats = new long[EbpfDnsReceiver.STATS];
        assertTrue(receiver.kernel().readPerCpu("stats", stats));
        assertEquals(5, stats[EbpfDnsReceiver.STAT_TRACKED]);
        assertEquals(4, stats[EbpfDnsReceiver.STAT_ANSWERED]);
      } finally {
        receiver.shutdown();
      }
    } finally {
      stop(server);
    }
  }

  /**
   * dig sends with sendmmsg on a connected socket (no address: the peer comes from the socket)
   * and receives with recvmsg.
   */
  @Test
  void digIsCapturedThroughSendmmsgAndRecvmsg() throws Exception {
    assumeRootWithBtfAndDnsmasq();
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")),
        "SKIPPED: dig is not installed (apt-get install dnsutils)");
    int port = freePort();
    Process server = startDnsmasq(port, "--host-record=a.test,10.1.2.3");
    try {
      TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("ports: [%d]"
          .formatted(port)), sink);
      receiver.start(new TestHost());
      try {
        Process dig = new ProcessBuilder("/usr/bin/dig", "+tries=1", "+time=2", "-p",
            Integer.toString(port), "@127.0.0.1", "a.test", "A").redirectErrorStream(true)
            .start();
        String out = new String(dig.getInputStream().readAllBytes());
        assertEquals(0, dig.waitFor(), out);
        long pid = dig.pid();
        LogRecord r = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r == null && System.nanoTime() < until) {
          r = sink.logRecords().stream().filter(x -> x.attributes().getLong("process.pid", -1)
              == pid).findFirst().orElse(null);
          Thread.sleep(10);
        }
        assertTrue(r != null, "no record of dig " + pid + " in " + sink.logRecords());
        assertEquals("a.test", r.attributes().getString("dns.question.name"));
        assertEquals("A", r.attributes().getString("dns.question.type"));
        assertEquals("dig", r.attributes().getString("process.executable.name"));
        assertAnswered(r, port, "NOERROR", List.of("A 10.1.2.3"));
      } finally {
        receiver.shutdown();
      }
    } finally {
      stop(server);
    }
  }

  static String python3() {
    for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /** This process's dns.query records once {@code n} have come, or all of them at the deadline. */
  static List<LogRecord> recordsOf(ConsumerSink sink, long pid, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<LogRecord> found;
    do {
      Thread.sleep(10);
      found = sink.logRecords().stream().filter(r -> r.eventName().equals("dns.query")
          && r.attributes().getLong("process.pid", -1) == pid).toList();
    } while (found.size() < n && System.nanoTime() < deadline);
    return found;
  }

  /**
   * The usual Python client: an unconnected socket, {@code sendto} with the server's address,
   * then {@code recv()} — {@code recvfrom} with no address at the syscall, so neither the call
   * nor the socket says who answered — and the same read with {@code recvmsg} and no
   * {@code msg_name}. Every query must be reported answered, none as a timeout, and the
   * kernel's table of such queries must be emptied by the responses.
   */
  @Test
  void responsesReadWithoutTheSendersAddressOnUnconnectedSocketsAreMatched() throws Exception {
    assumeRootWithBtfAndDnsmasq();
    String python = python3();
    if (python == null) {
      System.out.println("SKIPPED unconnected-socket test: python3 is not installed");
      Assumptions.abort("python3 is not installed");
    }
    int port = freePort();
    Process server = startDnsmasq(port, "--address=/unconnected.test/10.9.8.7");
    Path client = Files.createTempFile("tapio-unconnected-client", ".py");
    try {
      try (var in = KernelDnsTest.class.getResourceAsStream("unconnected_client.py")) {
        Files.write(client, in.readAllBytes());
      }
      TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("""
          ports: [%d]
          timeout: 1s
          """.formatted(port)), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), ctx.status() + " " + ctx.statusReason());
        int n = 20;
        for (String mode : List.of("recv", "recvmsg")) {
          int firstId = mode.equals("recv") ? 1000 : 2000;
          Process py = new ProcessBuilder(python, client.toString(), Integer.toString(port),
              Integer.toString(n), Integer.toString(firstId), mode).redirectErrorStream(true)
              .start();
          String out = new String(py.getInputStream().readAllBytes());
          assertTrue(py.waitFor(30, TimeUnit.SECONDS), "python client hangs");
          assertEquals(0, py.exitValue(), out);
          assertEquals(n, out.lines().count(), out);
          List<LogRecord> records = recordsOf(sink, py.pid(), n);
          assertEquals(n, records.size(), mode + ": " + records);
          // Past the timeout: an unmatched query would only now be reported, as a timeout.
          Thread.sleep(1500);
          records = recordsOf(sink, py.pid(), n);
          assertEquals(n, records.size(), mode + ": " + records);
          java.util.Set<Long> ids = new java.util.TreeSet<>();
          for (LogRecord r : records) {
            assertEquals(null, r.attributes().getString("error.type"), mode + ", id "
                + r.attributes().getLong("dns.id", -1));
            assertAnswered(r, port, "NOERROR", List.of("A 10.9.8.7"));
            assertEquals("udp", r.attributes().getString("network.transport"));
            ids.add(r.attributes().getLong("dns.id", -1));
          }
          assertEquals(n, ids.size(), mode + ": " + ids);
          assertEquals(firstId, ids.iterator().next(), mode + ": " + ids);
        }
        long timeouts = sink.logRecords().stream()
            .filter(r -> "timeout".equals(r.attributes().getString("error.type"))).count();
        assertEquals(0, timeouts, sink.logRecords().toString());
        assertEquals(0, ctx.droppedCount("unmatched"));
        assertEquals(0, ctx.droppedCount("malformed"));
        long[] stats = new long[EbpfDnsReceiver.STATS];
        assertTrue(receiver.kernel().readPerCpu("stats", stats));
        assertEquals(2 * n, stats[EbpfDnsReceiver.STAT_TRACKED], "queries remembered");
        assertEquals(2 * n, stats[EbpfDnsReceiver.STAT_ANSWERED], "entries taken by responses");
        assertEquals(0, stats[EbpfDnsReceiver.STAT_UNTRACKED]);
        assertEquals(0.0, ctx.gaugeValue("tapio_ebpf_dns_untracked_queries", "program", "dns"));
      } finally {
        receiver.shutdown();
      }
    } finally {
      Files.deleteIfExists(client);
      stop(server);
    }
  }

  /** A length-prefixed DNS exchange over a Java Socket: prefix and query in separate writes. */
  static byte[] askTcp(int port, byte[] query) throws IOException {
    try (java.net.Socket t = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      t.setSoTimeout(5000);
      java.io.OutputStream out = t.getOutputStream();
      out.write(new byte[] {(byte) (query.length >> 8), (byte) query.length});
      out.flush();
      out.write(query);
      out.flush();
      java.io.DataInputStream in = new java.io.DataInputStream(t.getInputStream());
      byte[] response = new byte[in.readUnsignedShort()];
      in.readFully(response);
      return response;
    }
  }

  /**
   * DNS over TCP: this JVM with a Socket (the length prefix written apart from the query, the
   * response read as prefix then body) and dig +tcp (libuv: writev of prefix and query, one read)
   * against dnsmasq's TCP side on the same port.
   */
  @Test
  void dnsOverTcpFromThisJvmAndDigIsReassembledAndMatched() throws Exception {
    assumeRootWithBtfAndDnsmasq();
    int port = freePort();
    Process server = startDnsmasq(port, "--host-record=a.test,10.1.2.3",
        "--host-record=aaaa.test,fd00::1", "--cname=alias.test,a.test", "--address=/nx.test/");
    try {
      TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
      ConsumerSink sink = new ConsumerSink();
      EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("ports: [%d]"
          .formatted(port)), sink);
      receiver.start(new TestHost());
      try {
        assertTrue(receiver.usingKernel(), ctx.status() + " " + ctx.statusReason());
        assertTrue(askTcp(port, Packets.query(201, "a.test", 1)).length > 12);
        assertTrue(askTcp(port, Packets.query(202, "aaaa.test", 28)).length > 12);
        assertTrue(askTcp(port, Packets.query(203, "nx.test", 1)).length > 12);
        assertTrue(askTcp(port, Packets.query(204, "alias.test", 1)).length > 12);
        LogRecord a = one(sink, "a.test", "A");
        assertAnswered(a, port, "NOERROR", List.of("A 10.1.2.3"));
        assertEquals("tcp", a.attributes().getString("network.transport"));
        assertEquals(201, a.attributes().getLong("dns.id", -1));
        LogRecord aaaa = one(sink, "aaaa.test", "AAAA");
        assertAnswered(aaaa, port, "NOERROR", List.of("AAAA fd00::1"));
        assertEquals("tcp", aaaa.attributes().getString("network.transport"));
        assertAnswered(one(sink, "nx.test", "A"), port, "NXDOMAIN", List.of());
        assertAnswered(one(sink, "alias.test", "A"), port, "NOERROR",
            List.of("CNAME a.test", "A 10.1.2.3"));

        if (Files.isExecutable(Path.of("/usr/bin/dig"))) {
          Process dig = new ProcessBuilder("/usr/bin/dig", "+tcp", "+tries=1", "+time=2", "-p",
              Integer.toString(port), "@127.0.0.1", "alias.test", "A").redirectErrorStream(true)
              .start();
          String out = new String(dig.getInputStream().readAllBytes());
          assertEquals(0, dig.waitFor(), out);
          long pid = dig.pid();
          LogRecord r = null;
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (r == null && System.nanoTime() < until) {
            r = sink.logRecords().stream().filter(x -> x.attributes().getLong("process.pid", -1)
                == pid).findFirst().orElse(null);
            Thread.sleep(10);
          }
          assertTrue(r != null, "no record of dig " + pid + " in " + sink.logRecords()
              + "\n" + out);
          assertEquals("alias.test", r.attributes().getString("dns.question.name"));
          assertEquals("A", r.attributes().getString("dns.question.type"));
          assertEquals("dig", r.attributes().getString("process.executable.name"));
          assertEquals("tcp", r.attributes().getString("network.transport"));
          assertAnswered(r, port, "NOERROR", List.of("CNAME a.test", "A 10.1.2.3"));
        } else {
          System.out.println("SKIPPED dig +tcp part: dig is not installed (apt-get install"
              + " dnsutils)");
        }
        assertEquals(0, ctx.droppedCount("malformed"));
        assertEquals(0, ctx.droppedCount("tcp_desync"));
        assertEquals(0, ctx.droppedCount("unmatched"));
      } finally {
        receiver.shutdown();
      }
    } finally {
      stop(server);
    }
  }

  /** Every query to a silent port is either a timeout record or a counted kernel drop. */
  @Test
  void aTinyRingUnderAQueryFloodCountsEveryDrop() throws Exception {
    assumeRootWithBtfAndDnsmasq();
    int silent = freePort();
    int n = 3000;
    TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
    ConsumerSink sink = new ConsumerSink();
    EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("""
        ports: [%d]
        ring_buffer_size: 4096
        poll_timeout: 500ms
        wakeup_bytes: 1GiB
        wakeup_policy: fixed
        timeout: 200ms
        """.formatted(silent)), sink);
    receiver.start(new TestHost());
    EbpfProgram kernel = receiver.kernel();
    long seen;
    try (DatagramSocket s = new DatagramSocket()) {
      for (int i = 0; i < n; i++) {
        byte[] q = Packets.query(i, "flood" + i + ".test", 1);
        s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), silent));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      do {
        Thread.sleep(100);
        seen = sink.logRecords().stream().filter(r -> r.attributes().getLong("process.pid", -1)
            == PID && "timeout".equals(r.attributes().getString("error.type"))).count();
      } while (seen + kernel.kernelDrops(1, 0) < n && System.nanoTime() < deadline);
    } finally {
      receiver.shutdown();
    }
    seen = sink.logRecords().stream().filter(r -> r.attributes().getLong("process.pid", -1)
        == PID && "timeout".equals(r.attributes().getString("error.type"))).count();
    long dropped = kernel.kernelDrops(1, 0);
    assertTrue(dropped > 0, "a one-page ring under " + n + " queries must overflow");
    assertEquals(n, seen + dropped, "seen " + seen + " + dropped " + dropped);
    assertEquals(dropped, ctx.counterValue("tapio_events_dropped", "program", "dns_send",
        "reason", "ring_buffer_full"));
  }

  @Test
  void withoutTheProgramItStartsDegradedAndSaysSo() throws Exception {
    TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
    EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config(""), new ConsumerSink(),
        "missing.bpf.o");
    receiver.start(new TestHost());
    try {
      assertEquals(ComponentStatus.DEGRADED, ctx.status());
      assertTrue(ctx.statusReason().contains("missing.bpf.o"), ctx.statusReason());
      assertEquals(1, ctx.counterValue("tapio_ebpf_load_failures", "program", "dns"));
    } finally {
      receiver.shutdown();
    }
  }

  @Test
  void fallbackNoneFailsTheStartWithTheReason() throws Exception {
    TestContext ctx = new TestContext("ebpf_dns", Kind.RECEIVER, Signal.LOGS);
    EbpfDnsReceiver receiver = new EbpfDnsReceiver(ctx, config("fallback: none"),
        new ConsumerSink(), "missing.bpf.o");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> receiver.start(new TestHost()));
    assertTrue(e.getMessage().contains("missing.bpf.o"), e.getMessage());
  }

  @Test
  void configDefaultsAndValidation() throws Exception {
    EbpfDnsConfig d = config("");
    assertEquals(List.of(53), d.ports());
    assertEquals(10_000, d.maxPending());
    assertEquals(java.time.Duration.ofSeconds(5), d.timeout());
    assertEquals(EbpfDnsConfig.Fallback.DEGRADED, d.fallback());
    var e = assertThrows(dev.tapio.engine.config.ConfigException.class, () -> config("""
        ports: [0]
        ring_buffer_size: 100000
        max_pending: 0
        """));
    String all = e.getMessage();
    assertTrue(all.contains("ports") && all.contains("power of two")
        && all.contains("max_pending"), all);
  }
}
