package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.libc.Libc;
import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ebpf_dns} receiver: DNS exchanges over UDP and TCP from the socket syscall
 * tracepoints.
 * Where the programs cannot load, there is nothing else to read DNS traffic from (no /proc
 * equivalent): with {@code fallback: degraded} (the default) it starts without events, says why
 * once and reports {@code degraded} on /readyz; with {@code fallback: none} the start fails with
 * the reason.
 *
 * <p>Lifecycle methods are called by the engine's lifecycle thread.
 */
final class EbpfDnsReceiver implements Component {
  static final String OBJECT = "dns.bpf.o";
  /** Program label per record type (dns.bpf.c: 1 send, 2 receive, 3 and 4 the same on TCP). */
  private static final String[] PROGRAMS = {null, "dns_send", "dns_recv", "dns_tcp_send",
      "dns_tcp_recv"};
  private static final String[] ATTACH = {"tapio_dns_sendto", "tapio_dns_sendmsg",
      "tapio_dns_sendmmsg", "tapio_dns_recvfrom_enter", "tapio_dns_recvfrom_exit",
      "tapio_dns_recvmsg_enter", "tapio_dns_recvmsg_exit", "tapio_dns_write",
      "tapio_dns_writev", "tapio_dns_read_enter", "tapio_dns_read_exit"};
  /** Slots of the program's per-CPU {@code stats} array (dns.bpf.c, enum tapio_dns_stat). */
  static final int STAT_TRACKED = 0;
  static final int STAT_ANSWERED = 1;
  static final int STAT_UNTRACKED = 2;
  static final int STATS = 3;

  private final ComponentContext context;
  private final EbpfDnsConfig config;
  private final LogsConsumer next;
  private final String objectName;
  private final EbpfProgram.Status status;
  private final long[] stats = new long[STATS]; // guarded by itself: gauges read at scrape time
  private volatile EbpfProgram kernel;

  EbpfDnsReceiver(ComponentContext context, EbpfDnsConfig config, LogsConsumer next) {
    this(context, config, next, OBJECT);
  }

  /** With another bundled object name: tests force the fallback with a missing one. */
  EbpfDnsReceiver(ComponentContext context, EbpfDnsConfig config, LogsConsumer next,
      String objectName) {
    this.context = context;
    this.config = config;
    this.next = next;
    this.objectName = objectName;
    this.status = new EbpfProgram.Status(context, "dns");
    context.gauge("tapio_ebpf_dns_untracked_queries", "Queries on unconnected UDP sockets that"
        + " the kernel's table of such queries refused: a response to one read without its"
        + " sender's address (recv) is not seen, and the query is reported as a timeout.",
        () -> stat(STAT_UNTRACKED), "program", "dns");
  }

  @Override
  public void start(Host host) throws Exception {
    Map<String, Boolean> programs = new LinkedHashMap<>();
    for (String p : ATTACH) {
      programs.put(p, true);
    }
    CgroupAttribution attribution = new CgroupAttribution(Path.of("/proc"), config.cacheSize());
    // The decoder expires unanswered queries on the poll thread, by the programs' clock.
    MemorySegment scratch = Arena.ofAuto().allocate(16, 8);
    try {
      kernel = EbpfProgram.start(context, status, new EbpfProgram.Spec(objectName, "dns",
          config.kernelConfig(), config.ringBufferSize(), programs, PROGRAMS,
          config.pollTimeout(), Map.of("udp_queries", config.udpQueriesTableSize()),
          config.wakeupBytes(), config.wakeupPolicy()),
          offset -> new DnsRecordDecoder(context, attribution, offset, config,
              () -> Libc.bootTimeNanos(scratch)), next);
      context.reportStatus(ComponentStatus.OK, "");
    } catch (EbpfProgram.UnavailableException e) {
      if (config.fallback() == EbpfDnsConfig.Fallback.NONE) {
        throw new IllegalStateException(e.getMessage() + " (fallback: none; with fallback:"
            + " degraded the receiver starts without events)", e);
      }
      context.logger().log(Level.WARNING, "eBPF unavailable; the dns receiver reports no"
          + " events (DNS traffic has no /proc equivalent): " + e.getMessage());
      context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + e.getMessage()
          + "); no DNS events");
    }
  }

  /** A slot of the kernel's stats array; NaN when not loaded. */
  private double stat(int slot) {
    EbpfProgram k = kernel;
    synchronized (stats) {
      return k != null && k.readPerCpu("stats", stats) ? stats[slot] : Double.NaN;
    }
  }

  boolean usingKernel() {
    return kernel != null;
  }

  EbpfProgram kernel() {
    return kernel;
  }

  @Override
  public void shutdown() throws Exception {
    if (kernel != null) {
      kernel.close();
      kernel = null;
    }
  }
}
