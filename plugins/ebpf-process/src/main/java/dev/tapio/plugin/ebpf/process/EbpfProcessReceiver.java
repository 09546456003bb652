package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.consumer.LogsConsumer;
import java.lang.System.Logger.Level;
import dev.tapio.bpf.receiver.EbpfProgram;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
  static final String OBJECT = "process.bpf.o";
  /** Program label per event type index of tapio.h (1 exec, 2 exit, 3 fork). */
  private static final String[] PROGRAMS = {null, "process_exec", "process_exit", "process_fork"};

  private final ComponentContext context;
  private final EbpfProcessConfig config;
  private final LogsConsumer next;
  private final String objectName;
  private final EbpfProgram.Status status;
  private EbpfProgram kernel;
  private ProcfsPoller procfs;

  EbpfProcessReceiver(ComponentContext context, EbpfProcessConfig config, LogsConsumer next) {
    this(context, config, next, OBJECT);
  }

  /** With another bundled object name: tests force the fallback with a missing one. */
  EbpfProcessReceiver(ComponentContext context, EbpfProcessConfig config, LogsConsumer next,
      String objectName) {
    this.context = context;
    this.config = config;
    this.next = next;
    this.objectName = objectName;
    this.status = new EbpfProgram.Status(context, "process");
  }

  @Override
  public void start(Host host) throws Exception {
    Map<String, Boolean> programs = new LinkedHashMap<>();
    programs.put("tapio_exec", config.exec());
    programs.put("tapio_exit", config.exit());
    programs.put("tapio_fork", config.fork());
    CgroupAttribution attribution = new CgroupAttribution(Path.of("/proc"), config.cacheSize());
    try {
      kernel = EbpfProgram.start(context, status, new EbpfProgram.Spec(objectName, "process",
          config.kernelConfig(), config.ringBufferSize(), programs, PROGRAMS,
          config.pollTimeout(), Map.of(), config.wakeupBytes(), config.wakeupPolicy()),
          offset -> new KernelRecordDecoder(attribution, offset, config.argsMaxCount()), next);
      context.reportStatus(ComponentStatus.OK, "");
      return;
    } catch (EbpfProgram.UnavailableException e) {
      if (config.fallback() == EbpfProcessConfig.Fallback.NONE) {
        throw new IllegalStateException(e.getMessage()
            + " (fallback: none; set fallback: proc to poll /proc instead)", e);
      }
      context.logger().log(Level.WARNING, "eBPF unavailable, falling back to /proc polling every "
          + config.procfsInterval().toMillis() + "ms at lower fidelity (no argv of short-lived"
          + " processes, no exit codes): " + e.getMessage());
      context.reportStatus(ComponentStatus.DEGRADED, "eBPF unavailable (" + e.getMessage()
          + "); reporting from /proc");
    }
    procfs = new ProcfsPoller(context, next, Path.of("/proc"), config.procfsInterval(),
        config.argsMaxBytes(), config.argsMaxCount());
    procfs.start();
  }

  /** Whether events come from the kernel (false: the /proc fallback). */
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
    if (procfs != null) {
      procfs.stop();
      procfs = null;
    }
  }
}
