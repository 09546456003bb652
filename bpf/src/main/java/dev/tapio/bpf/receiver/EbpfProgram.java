package dev.tapio.bpf.receiver;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfObject;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.bpf.libc.Libc;
import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.LogsConsumer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A bundled eBPF object loaded for a receiver: configured, attached, its ring polled by a
 * {@link RingPoller}, its drop counters and fill level exported, and the receiver's
 * {@code tapio_ebpf_program_loaded} / {@code tapio_ebpf_load_failures_total} kept. Every eBPF
 * receiver starts through here so that they load, count and fail alike.
 *
 * <p>{@link #start} and {@link #close} from the lifecycle thread.
 */
public final class EbpfProgram implements AutoCloseable {
  private final BpfObject object;
  private final RingBuffer ring;
  private final KernelDrops drops;
  private final RingPoller poller;
  private final Status status;
  private boolean closed; // guarded by this: a gauge must not read an unloaded map

  /**
   * What to load.
   *
   * @param object the bundled object file, e.g. {@code process.bpf.o}
   * @param label the {@code program} label of the metrics and the poll thread's name part
   * @param readOnlyConfig the config struct written at the start of {@code .rodata}
   * @param ringBufferSize bytes of the {@code events} ring buffer
   * @param programs each program of the object and whether to load and attach it
   * @param dropPrograms the {@code program} label per event type index of the {@code drops} map
   * @param pollTimeout the poll timeout: the latency bound
   * @param maxEntries capacities of other maps (e.g. an LRU table), by map name
   * @param wakeupBytes the configured wake-up threshold (also in {@code readOnlyConfig})
   * @param wakeup whether a {@link WakeupPolicy} adapts the threshold to the rate
   */
  public record Spec(String object, String label, byte[] readOnlyConfig, long ringBufferSize,
      Map<String, Boolean> programs, String[] dropPrograms, Duration pollTimeout,
      Map<String, Integer> maxEntries, long wakeupBytes, Wakeup wakeup) {
    public Spec {
      programs = new LinkedHashMap<>(programs);
      maxEntries = Map.copyOf(maxEntries);
    }
  }

  /** The loaded gauge and failure counter of one receiver, registered once. */
  public static final class Status {
    private final ComponentContext.Counter failures;
    private volatile double loaded;

    public Status(ComponentContext context, String label) {
      failures = context.counter("tapio_ebpf_load_failures",
          "eBPF programs that failed to load or attach.", "program", label);
      context.gauge("tapio_ebpf_program_loaded", "1 when the eBPF program is loaded and attached.",
          () -> loaded, "program", label);
    }
  }

  /** The programs could not be loaded here; the message says why and what to check. */
  public static final class UnavailableException extends Exception {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private EbpfProgram(BpfObject object, RingBuffer ring, KernelDrops drops, RingPoller poller,
      Status status) {
    this.object = object;
    this.ring = ring;
    this.drops = drops;
    this.poller = poller;
    this.status = status;
  }

  /**
   * Loads and attaches, then starts polling into a decoder made for the boot-to-Unix clock
   * offset. On failure the load-failure counter is incremented and {@link UnavailableException}
   * says why (not root, no BTF, no libbpf, verifier…); the receiver then falls back or fails.
   */
  public static EbpfProgram start(ComponentContext context, Status status, Spec spec,
      LongFunction<BatchDecoder> decoderForClockOffset, LogsConsumer next)
      throws UnavailableException {
    BpfObject object = null;
    RingBuffer ring = null;
    try {
      object = BpfObject.openBundled(spec.object());
      object.setReadOnlyConfig(spec.readOnlyConfig());
      object.setRingBufferSize("events", (int) spec.ringBufferSize());
      for (Map.Entry<String, Integer> m : spec.maxEntries().entrySet()) {
        object.setMaxEntries(m.getKey(), m.getValue());
      }
      for (Map.Entry<String, Boolean> p : spec.programs().entrySet()) {
        object.setAutoload(p.getKey(), p.getValue());
      }
      object.load();
      for (Map.Entry<String, Boolean> p : spec.programs().entrySet()) {
        if (p.getValue()) {
          object.attach(p.getKey());
        }
      }
      ring = new RingBuffer(object.map("events"));
      KernelDrops drops = new KernelDrops(object.map("drops"), context, spec.dropPrograms());
      BatchDecoder decoder = decoderForClockOffset.apply(bootToUnixNanos());
      // BpfMap is not thread-safe and BpfObject.map hands out one instance per name: a decoder
      // must not read, on the poll thread, a map that readPerCpu's gauges read.
      BpfObject loaded = object;
      decoder.bind(name -> loaded.map(name));
      RingPoller poller = new RingPoller(context, spec.label(), ring, decoder, drops,
          next, spec.pollTimeout());
      if (spec.wakeup() == Wakeup.ADAPTIVE) {
        poller.adaptWakeups(object.map("wakeup"), spec.wakeupBytes(), spec.ringBufferSize());
      } else {
        poller.fixedWakeups(spec.wakeupBytes());
      }
      context.gauge("tapio_ebpf_wakeup_bytes", "The kernel's wake-up threshold in force: pending"
          + " bytes at which the reader is woken.", poller::wakeupThreshold, "program",
          spec.label());
      context.gauge("tapio_ring_buffer_usage_percent", "Fill level of the kernel ring buffer.",
          ring::usagePercent, "program", spec.label());
      poller.start();
      status.loaded = 1;
      return new EbpfProgram(object, ring, drops, poller, status);
    } catch (BpfException | IOException | RuntimeException | LinkageError e) {
      if (ring != null) {
        ring.close();
      }
      if (object != null) {
        object.close();
      }
      status.failures.add(1);
      String reason = e instanceof UnsatisfiedLinkError
          ? "libbpf.so.1 is not installed (Debian package libbpf1): " + e.getMessage()
          : e.getMessage();
      throw new UnavailableException("cannot load the eBPF program " + spec.object() + ": "
          + reason, e);
    }
  }

  // CLOCK_BOOTTIME (the programs' clock) to Unix time, measured once at start.
  private static long bootToUnixNanos() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment scratch = a.allocate(16, 8);
      long boot = Libc.bootTimeNanos(scratch);
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano() - boot;
    }
  }

  /** Kernel drops counted so far for an event type index and reason index. */
  public long kernelDrops(int type, int reason) {
    return drops.dropped(type, reason);
  }

  /**
   * Sums a per-CPU u64 array map of the program into {@code out} (see
   * {@link dev.tapio.bpf.BpfMap#sumPerCpuU64}); false once closed or when the read fails.
   * Thread-safe, for gauges read at scrape time.
   */
  public synchronized boolean readPerCpu(String map, long[] out) {
    if (closed) {
      return false;
    }
    try {
      object.map(map).sumPerCpuU64(out);
      return true;
    } catch (BpfException e) {
      return false;
    }
  }

  /** Stops polling after a last drain, detaches and unloads. */
  @Override
  public void close() throws InterruptedException {
    status.loaded = 0;
    poller.stop();
    synchronized (this) {
      closed = true;
      ring.close();
      object.close();
    }
  }
}
