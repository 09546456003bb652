package dev.tapio.plugin.ebpf.dns;

import dev.tapio.bpf.receiver.CgroupAttribution;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * The {@code ebpf_dns} receiver: DNS exchanges over UDP from the socket syscall tracepoints.
 * Where the programs cannot load, there is nothing else to read DNS traffic from (no /proc
 * equivalent): with {@code fallback: degraded} (the default) it starts without events, says why
 * once and reports {@code degraded} on /readyz; with {@code fallback: none} the start fails with
 * the reason.
 *
 * <p>Lifecycle methods are called by the engine's lifecycle thread.
 */
final class EbpfDnsReceiver implements Component {
  private final ComponentContext context;
  private final EbpfDnsConfig config;
  private final LogsConsumer next;
  private final ComponentContext.Counter loadFailures;
  private final String objectName;
  private volatile double loaded;
  private KernelSource kernel;

  EbpfDnsReceiver(ComponentContext context, EbpfDnsConfig config, LogsConsumer next) {
    this(context, config, next, KernelSource.OBJECT);
  }

  /** With another bundled object name: tests force the fallback with a missing one. */
  EbpfDnsReceiver(ComponentContext context, EbpfDnsConfig config, LogsConsumer next,
      String objectName) {
    this.context = context;
    this.config = config;
    this.next = next;
    this.objectName = objectName;
    this.loadFailures = context.counter("tapio_ebpf_load_failures",
        "eBPF programs that failed to load or attach.", "program", "dns");
    context.gauge("tapio_ebpf_program_loaded", "1 when the eBPF program is loaded and attached.",
        () -> loaded, "program", "dns");
  }

  @Override
  public void start(Host host) throws Exception {
    String reason;
    try {
      kernel = KernelSource.start(objectName, context, config, next,
          new CgroupAttribution(Path.of("/proc"), config.cacheSize()));
      loaded = 1;
      context.reportStatus(ComponentStatus.OK, "");
      return;
    } catch (Exception | LinkageError e) {
      reason = e instanceof UnsatisfiedLinkError
          ? "libbpf.so.1 is not installed (Debian package libbpf1): " + e.getMessage()
          : e.getMessage();
    }
    loadFailures.add(1);
    if (config.fallback() == EbpfDnsConfig.Fallback.NONE) {
      throw new IllegalStateException("cannot load the eBPF dns program: " + reason
          + " (fallback: none; with fallback: degraded the receiver starts without events)");
    }
    context.logger().log(Level.WARNING, "eBPF unavailable; the dns receiver reports no events"
        + " (DNS traffic has no /proc equivalent): " + reason);
    context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + reason
        + "); no DNS events");
  }

  boolean usingKernel() {
    return kernel != null;
  }

  KernelSource kernel() {
    return kernel;
  }

  @Override
  public void shutdown() throws Exception {
    loaded = 0;
    if (kernel != null) {
      kernel.stop();
      kernel = null;
    }
  }
}
