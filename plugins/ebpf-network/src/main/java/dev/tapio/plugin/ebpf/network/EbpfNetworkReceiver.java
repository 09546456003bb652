package dev.tapio.plugin.ebpf.network;

import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.bpf.receiver.EbpfProgram;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code ebpf_network} receiver: TCP connection open, close and failure records from kernel
 * tracepoints. Where the program cannot load (not root, no BTF, no libbpf) it says why once,
 * counts the failure and, with {@code fallback: degraded}, reports {@code degraded} on /readyz
 * and emits nothing (there is no lower-fidelity source of connection lifecycles); with {@code
 * fallback: none} the start fails with the reason.
 *
 * <p>Lifecycle methods are called by the engine's lifecycle thread.
 */
final class EbpfNetworkReceiver implements Component {
  static final String OBJECT = "network.bpf.o";
  /** Program label per event type index of tapio.h (1 open, 2 close, 3 failed, 4 flow). */
  private static final String[] PROGRAMS = {null, "network_open", "network_close",
      "network_failed"};
  private static final String[] PROGRAMS_WITH_UDP = {null, "network_open", "network_close",
      "network_failed", "network_flow"};
  /** Loaded only with udp.enabled. */
  private static final String[] UDP_HOOKS = {"tapio_network_udp_sendto",
      "tapio_network_udp_sendto_exit", "tapio_network_udp_sendmsg",
      "tapio_network_udp_sendmsg_exit", "tapio_network_udp_recvfrom",
      "tapio_network_udp_recvfrom_exit", "tapio_network_udp_recvmsg",
      "tapio_network_udp_recvmsg_exit"};
  private static final String[] HOOKS = {"tapio_network_state", "tapio_network_accept4",
      "tapio_network_accept", "tapio_network_rst_in", "tapio_network_rst_out"};

  private final ComponentContext context;
  private final EbpfNetworkConfig config;
  private final LogsConsumer next;
  private final String objectName;
  private final EbpfProgram.Status status;
  private final long[] stats = new long[3];
  private final AtomicLong udpEvicted = new AtomicLong();
  private volatile EbpfProgram kernel;

  EbpfNetworkReceiver(ComponentContext context, EbpfNetworkConfig config, LogsConsumer next) {
    this(context, config, next, OBJECT);
  }

  /** With another bundled object name: tests force a load failure with a missing one. */
  EbpfNetworkReceiver(ComponentContext context, EbpfNetworkConfig config, LogsConsumer next,
      String objectName) {
    this.context = context;
    this.config = config;
    this.next = next;
    this.objectName = objectName;
    this.status = new EbpfProgram.Status(context, "network");
    context.gauge("tapio_ebpf_network_untracked_closes", "Closed TCP connections that were"
        + " not in the kernel's socket table (evicted from the bounded LRU table, or opened"
        + " before the receiver started): their close records carry no process.",
        () -> stat(0), "program", "network");
    context.gauge("tapio_ebpf_network_aggregate_table_full", "Short-lived connections that"
        + " could not be folded because the kernel's aggregate table was full: reported"
        + " individually instead (raise aggregation.table_size).", () -> stat(2),
        "program", "network");
    if (config.udp().enabled()) {
      context.gauge("tapio_ebpf_network_udp_flows_evicted", "UDP flows evicted from the"
          + " kernel's full flow table (LRU) before they were reported: their datagrams are"
          + " not in any network.flow record (raise udp.table_size).", udpEvicted::get,
          "program", "network");
    }
  }

  @Override
  public void start(Host host) throws Exception {
    Cidr[] include = config.cidrsInclude().stream().map(Cidr::parse).toArray(Cidr[]::new);
    Cidr[] exclude = config.cidrsExclude().stream().map(Cidr::parse).toArray(Cidr[]::new);
    Map<String, Boolean> programs = new LinkedHashMap<>();
    for (String hook : HOOKS) {
      programs.put(hook, true);
    }
    EbpfNetworkConfig.Udp udp = config.udp();
    for (String hook : UDP_HOOKS) {
      programs.put(hook, udp.enabled());
    }
    EbpfNetworkConfig.Aggregation aggregation = config.aggregation();
    CgroupAttribution attribution = new CgroupAttribution(Path.of("/proc"), config.cacheSize());
    try {
      kernel = EbpfProgram.start(context, status, new EbpfProgram.Spec(objectName, "network",
          config.kernelConfig(), config.ringBufferSize(), programs,
          udp.enabled() ? PROGRAMS_WITH_UDP : PROGRAMS, config.pollTimeout(),
          Map.of("socks", config.socketTableSize(), "aggregates",
              aggregation.enabled() ? aggregation.tableSize() : 1,
              "udp_flows", udp.enabled() ? udp.tableSize() : 1,
              "udp_calls", udp.enabled() ? 8192 : 1), config.wakeupBytes(),
          config.wakeupPolicy()),
          offset -> new KernelRecordDecoder(context, attribution, offset, include, exclude,
              aggregation.enabled() ? aggregation.window().toNanos() : 0,
              udp.enabled() ? udp.idleTimeout().toNanos() : 0, udpEvicted),
          next);
      context.reportStatus(ComponentStatus.OK, "");
    } catch (EbpfProgram.UnavailableException e) {
      if (config.fallback() == EbpfNetworkConfig.Fallback.NONE) {
        throw new IllegalStateException(e.getMessage()
            + " (fallback: none; set fallback: degraded to run without it)", e);
      }
      context.logger().log(Level.WARNING, "eBPF unavailable, no connection events will be"
          + " reported: " + e.getMessage());
      context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + e.getMessage()
          + "); no connection events");
    }
  }

  /** A slot of the kernel's stats array (tapio.h tapio_network_stat); NaN when not loaded. */
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
    EbpfProgram k = kernel;
    if (k != null) {
      k.close();
      kernel = null;
    }
  }
}
