package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.receiver.BatchDecoder;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.PidAttributionCache;
import dev.tapio.bpf.receiver.TextCache;
import dev.tapio.component.ComponentContext;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decodes the dns program's records (tapio.h: header, struct tapio_dns, datagram), parses the
 * datagrams and pairs each query with its response by (pid, fd, transaction id) in a bounded
 * map of pending queries, oldest first. A pair becomes one {@code dns.query} record; a query
 * still unanswered after the timeout becomes one with {@code error.type=timeout} (checked at
 * every {@link #take}, which the poll loop calls at least every poll timeout). Counted drops:
 * {@code malformed} (the parser refused the bytes), {@code evicted} (a pending query pushed out
 * by {@code max_pending}), {@code unmatched} (a response with no pending query: its query was
 * evicted, timed out, sampled, or sent before the receiver started), {@code unexpected} (a query
 * received or a response sent: this process is the server side).
 *
 * <p>TCP records are slices of a stream, not messages: {@link TcpStreams} cuts them into
 * messages, which then take the same path (matching, records with {@code network.transport=tcp};
 * sampling by transaction id happens here for them, as the kernel cannot see the ids in a
 * slice: counted {@code sampled}).
 *
 * <p>Single thread: the receiver's poll thread.
 */
final class DnsRecordDecoder implements BatchDecoder {
  static final String EVENT = "dns.query";
  static final String SCOPE_NAME = "dev.tapio.ebpf.dns";
  // struct tapio_header
  private static final long TYPE = 8;
  private static final long PID = 16;
  private static final long CGROUP = 40;
  private static final long HEADER = 48;
  // struct tapio_dns
  private static final long FD = HEADER;
  private static final long LENGTH = HEADER + 4;
  private static final long CAPTURED = HEADER + 8;
  private static final long FAMILY = HEADER + 10;
  private static final long PEER_PORT = HEADER + 12;
  private static final long LOCAL_PORT = HEADER + 14;
  private static final long PEER_ADDR = HEADER + 16;
  private static final long COMM = HEADER + 32;
  private static final long PAYLOAD = HEADER + 48;
  private static final int SEND = 1;
  private static final int RECV = 2;
  private static final int TCP_SEND = 3;
  private static final int TCP_RECV = 4;
  private static final int AF_INET6 = 10;
  static final int PAYLOAD_MAX = 512;

  private record Key(int pid, int fd, int id) {}

  private record Pending(long kernelNanos, int pid, long cgroupId, String comm, String name,
      int type, int id, String server, int port, boolean ipv6, boolean tcp) {}

  private final ComponentContext context;
  // By (pid, cgroup id) for a second: a resolving process asks again and again, and a
  // /proc/<pid>/cgroup read per query cost ~20 µs on a hybrid cgroup host (benchmarks/README.md).
  private final PidAttributionCache attribution;
  private final long bootToUnixNanos;
  private final long timeoutNanos;
  private final int maxPending;
  private final LongSupplier bootClock;
  private final DnsParser parser = new DnsParser();
  private final DnsMessage message = new DnsMessage();
  private final byte[] payload = new byte[PAYLOAD_MAX];
  private final byte[] bytes = new byte[16];
  private final byte[] commBytes = new byte[16];
  /** Names, servers and comms repeat from query to query: each text is made once. */
  private final TextCache names =
      new TextCache(1024, (b, at, len) -> new String(b, at, len, StandardCharsets.US_ASCII));
  private final TextCache servers =
      new TextCache(64, (b, at, len) -> len == 4 ? ipv4(b, at) : DnsMessage.ipv6(b, at));
  private final TextCache comms =
      new TextCache(256, (b, at, len) -> new String(b, at, len, StandardCharsets.UTF_8));
  /** Address answers ("A 10.0.0.7") repeat too. */
  private final TextCache addressAnswers = new TextCache(1024, DnsMessage::addressAnswerText);
  private final StringBuilder body = new StringBuilder(128);
  private final LinkedHashMap<Key, Pending> pending = new LinkedHashMap<>();
  private final TcpStreams streams;
  private final int sampling;
  private final TcpStreams.Messages tcpMessages = this::tcpMessage;
  // The TCP slice being fed: the reassembled messages are handled before feed returns.
  private MemorySegment tcpSegment;
  private long tcpAt;
  private boolean tcpSend;
  private Logs logs;
  private ScopeLogs scope;

  /**
   * @param bootClock CLOCK_BOOTTIME now, in ns: the programs' clock, for timeouts
   */
  DnsRecordDecoder(ComponentContext context, CgroupAttribution attribution,
      long bootToUnixNanos, EbpfDnsConfig config, LongSupplier bootClock) {
    this.context = context;
    context.dropped(0, "malformed"); // the series exists from the start
    context.dropped(0, "unmatched");
    context.dropped(0, "unexpected");
    context.dropped(0, "evicted");
    this.attribution = new PidAttributionCache(attribution);
    this.bootToUnixNanos = bootToUnixNanos;
    this.timeoutNanos = config.timeout().toNanos();
    this.maxPending = config.maxPending();
    this.bootClock = bootClock;
    this.sampling = config.sampling();
    this.streams = new TcpStreams(context, config.tcpStreams(), timeoutNanos);
  }

  @Override
  public void onRecord(MemorySegment d, long at, int length) {
    if (length < PAYLOAD) {
      context.dropped(1, "malformed");
      return;
    }
    int type = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + TYPE);
    int captured = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + CAPTURED));
    if (captured > PAYLOAD_MAX || PAYLOAD + captured > length || type < SEND
        || type > TCP_RECV) {
      context.dropped(1, "malformed");
      return;
    }
    int datagram = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + LENGTH);
    if (type == TCP_SEND || type == TCP_RECV) {
      tcpSegment = d;
      tcpAt = at;
      tcpSend = type == TCP_SEND;
      streams.feed(d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PID),
          d.get(ValueLayout.JAVA_INT_UNALIGNED, at + FD),
          Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + LOCAL_PORT)),
          !tcpSend, d.get(ValueLayout.JAVA_LONG_UNALIGNED, at), d, at + PAYLOAD, captured,
          Math.max(captured, Integer.toUnsignedLong(datagram)), tcpMessages);
      tcpSegment = null;
      return;
    }
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at + PAYLOAD, payload, 0, captured);
    if (parser.parse(payload, captured, Math.max(captured, datagram), message)
        != DnsParser.OK) {
      context.dropped(1, "malformed");
      return;
    }
    handle(d, at, type == SEND, false);
  }

  /** A message reassembled from the TCP slice being fed. */
  private void tcpMessage(byte[] buf, int captured, int length) {
    if (parser.parse(buf, captured, length, message) != DnsParser.OK) {
      context.dropped(1, "malformed");
      return;
    }
    if (sampling > 1 && message.id % sampling != 0) {
      if (tcpSend && !message.isResponse()) {
        context.dropped(1, "sampled"); // once per exchange, as it would have been one record
      }
      return;
    }
    handle(tcpSegment, tcpAt, tcpSend, true);
  }

  /** Matches the parsed {@link #message}; {@code d, at} is its record, for the peer and pid. */
  private void handle(MemorySegment d, long at, boolean send, boolean tcp) {
    int pid = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + PID);
    int fd = d.get(ValueLayout.JAVA_INT_UNALIGNED, at + FD);
    long ktime = d.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    boolean response = message.isResponse();
    if (send && !response) {
      query(d, at, pid, fd, ktime, tcp);
    } else if (!send && response) {
      Pending q = pending.remove(new Key(pid, fd, message.id));
      if (q == null) {
        context.dropped(1, "unmatched");
        return;
      }
      answered(q, ktime);
    } else {
      context.dropped(1, "unexpected");
    }
  }

  private void query(MemorySegment d, long at, int pid, int fd, long ktime, boolean tcp) {
    int family = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + FAMILY));
    int port = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + PEER_PORT));
    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, at + PEER_ADDR, bytes, 0, 16);
    boolean ipv6 = family == AF_INET6 && !isV4Mapped(bytes);
    String server;
    if (family != AF_INET6) {
      server = servers.text(bytes, 0, 4);
    } else if (!ipv6) {
      server = servers.text(bytes, 12, 4);
    } else {
      server = servers.text(bytes, 0, 16);
    }
    String name = names.text(message.name, 0, message.nameLength);
    Pending q = new Pending(ktime, pid, d.get(ValueLayout.JAVA_LONG_UNALIGNED, at + CGROUP),
        comm(d, at + COMM), name, message.questionType, message.id, server, port, ipv6, tcp);
    // A retransmission of the same id replaces the first try: latency counts from the last.
    Key key = new Key(pid, fd, message.id);
    pending.remove(key);
    pending.put(key, q);
    if (pending.size() > maxPending) {
      Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator();
      it.next();
      it.remove();
      context.dropped(1, "evicted");
    }
  }

  private void answered(Pending q, long ktime) {
    LogRecord r = start(q);
    Attributes a = r.attributes();
    int rcode = message.responseCode();
    String rcodeName = DnsMessage.responseCodeName(rcode);
    a.appendString("dns.response_code", rcodeName);
    int n = message.answers();
    List<AnyValue> answers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      answers.add(AnyValue.of(message.answerText(i, addressAnswers)));
    }
    a.append("dns.answers", AnyValue.ofArray(answers));
    a.appendBool("dns.truncated", message.truncated());
    if (message.answersIncomplete) {
      a.appendBool("tapio.dns.answers_incomplete", true);
    }
    double seconds = (ktime - q.kernelNanos) / 1e9;
    a.appendDouble("dns.lookup.duration", seconds);
    boolean failed = rcode != 0 && rcode != 3; // NXDOMAIN is an answer, SERVFAIL is not
    r.setSeverity(failed ? Severity.WARN : Severity.INFO);
    body.setLength(0);
    body.append(DnsMessage.typeName(q.type)).append(' ').append(q.name).append(' ')
        .append(rcodeName).append(' ').append(answers.size()).append(" answers in ");
    appendMillis(body, Math.round(seconds * 1e6));
    r.setBody(body.append("ms").toString());
  }

  /**
   * {@code micros} as milliseconds with up to three decimals, as {@code Double.toString(micros /
   * 1e3)} writes them ("0.25", "12.0") without formatting a double.
   */
  static void appendMillis(StringBuilder sb, long micros) {
    if (micros < 0 || micros >= 10_000_000_000L) {
      sb.append(micros / 1e3); // Double.toString's own forms (negative, scientific)
      return;
    }
    sb.append(micros / 1000).append('.');
    int frac = (int) (micros % 1000);
    if (frac == 0) {
      sb.append('0');
      return;
    }
    // Three digits without their trailing zeros: 5 is "005", 50 "05", 500 "5".
    if (frac < 100) {
      sb.append('0');
    }
    if (frac < 10) {
      sb.append('0');
    }
    while (frac % 10 == 0) {
      frac /= 10;
    }
    sb.append(frac);
  }

  private void timedOut(Pending q) {
    LogRecord r = start(q);
    r.attributes().appendString("error.type", "timeout");
    r.setSeverity(Severity.WARN);
    r.setBody(DnsMessage.typeName(q.type) + " " + q.name + " timed out");
  }

  private LogRecord start(Pending q) {
    if (logs == null) {
      logs = new Logs();
      ResourceLogs rl = logs.resourceLogs().appendEmpty();
      scope = rl.scopeLogs().appendEmpty();
      scope.scope().setName(SCOPE_NAME);
    }
    LogRecord r = scope.logRecords().appendEmpty();
    r.setEventName(EVENT);
    r.setTimeUnixNano(q.kernelNanos + bootToUnixNanos);
    Attributes a = r.attributes();
    a.ensureCapacity(21); // at most 15 here, 4 in answered, 5 of attribution minus the absent
    a.appendString("dns.question.name", q.name);
    a.appendString("dns.question.type", DnsMessage.typeName(q.type));
    a.appendLong("dns.id", q.id);
    a.appendString("server.address", q.server);
    a.appendLong("server.port", q.port);
    a.appendString("network.transport", q.tcp ? "tcp" : "udp");
    a.appendString("network.type", q.ipv6 ? "ipv6" : "ipv4");
    a.appendLong("process.pid", q.pid);
    a.appendString("process.executable.name", q.comm);
    if (q.cgroupId != 0) {
      a.appendLong("linux.cgroup.id", q.cgroupId);
    }
    CgroupAttribution.Attribution at = attribution.forPid(q.pid, q.cgroupId, System.nanoTime());
    // Appended: the record is new and its keys distinct (a null value appends nothing).
    a.appendString("container.id", at.containerId());
    a.appendString("container.runtime", at.runtime());
    a.appendString("k8s.pod.uid", at.podUid());
    a.appendString("systemd.unit", at.systemdUnit());
    a.appendString("linux.cgroup.path", at.path());
    return r;
  }

  /** Reports the queries whose time is up, then hands over the batch. */
  @Override
  public Logs take() {
    if (!pending.isEmpty()) {
      long now = bootClock.getAsLong();
      Iterator<Pending> it = pending.values().iterator();
      while (it.hasNext()) {
        Pending q = it.next();
        if (now - q.kernelNanos < timeoutNanos) {
          break; // oldest first: the rest are younger
        }
        it.remove();
        timedOut(q);
      }
    }
    Logs out = logs;
    logs = null;
    scope = null;
    return out;
  }

  int pendingCount() {
    return pending.size();
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static String ipv4(byte[] b, int at) {
    return (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "."
        + (b[at + 3] & 0xff);
  }

  private String comm(MemorySegment d, long at) {
    byte[] c = commBytes;
    int len = 0;
    while (len < 16 && (c[len] = d.get(ValueLayout.JAVA_BYTE, at + len)) != 0) {
      len++;
    }
    return comms.text(c, 0, len);
  }
}
