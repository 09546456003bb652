package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * The {@code ebpf_process} receiver: process exec, exit (and optionally fork) from kernel
 * tracepoints. Where the programs cannot load (not root, no CAP_BPF/CAP_PERFMON, no BTF, no
 * libbpf), it says why once, reports {@code degraded} on /readyz and, with {@code fallback:
 * proc}, polls /proc at lower fidelity ({@code tapio.source=procfs}); with {@code fallback:
 * none} the start fails with the reason.
 *
 * <p>Lifecycle methods are called by the engine's lifecycle thread.
 */
final class EbpfProcessReceiver implements Component {
  private final ComponentContext context;
  private final EbpfProcessConfig config;
  private final LogsConsumer next;
  private final ComponentContext.Counter loadFailures;
  private volatile double loaded;
  private KernelSource kernel;
  private ProcfsPoller procfs;
  private final String objectName;

  EbpfProcessReceiver(ComponentContext context, EbpfProcessConfig config, LogsConsumer next) {
    this(context, config, next, KernelSource.OBJECT);
  }

  /** With another bundled object name: tests force the fallback with a missing one. */
  EbpfProcessReceiver(ComponentContext context, EbpfProcessConfig config, LogsConsumer next,
      String objectName) {
    this.objectName = objectName;
    this.context = context;
    this.config = config;
    this.next = next;
    this.loadFailures = context.counter("tapio_ebpf_load_failures",
        "eBPF programs that failed to load or attach.", "program", "process");
    context.gauge("tapio_ebpf_program_loaded", "1 when the eBPF program is loaded and attached.",
        () -> loaded, "program", "process");
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
    if (config.fallback() == EbpfProcessConfig.Fallback.NONE) {
      throw new IllegalStateException("cannot load the eBPF process program: " + reason
          + " (fallback: none; set fallback: proc to poll /proc instead)");
    }
    context.logger().log(Level.WARNING, "eBPF unavailable, falling back to /proc polling every "
        + config.procfsInterval().toMillis() + "ms at lower fidelity (no argv of short-lived"
        + " processes, no exit codes): " + reason);
    context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + reason
        + "); reporting from /proc");
    procfs = new ProcfsPoller(context, next, Path.of("/proc"), config.procfsInterval(),
        config.argsMaxBytes(), config.argsMaxCount());
    procfs.start();
  }

  /** Whether events come from the kernel (false: the /proc fallback). */
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
    if (procfs != null) {
      procfs.stop();
      procfs = null;
    }
  }
}
