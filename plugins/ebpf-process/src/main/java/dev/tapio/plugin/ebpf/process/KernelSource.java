package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.CgroupAttribution;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfObject;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.bpf.libc.Libc;
import dev.tapio.bpf.receiver.KernelDrops;
import dev.tapio.bpf.receiver.RingPoller;
import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.LogsConsumer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The eBPF path of the process receiver: loads and attaches the process program with the
 * receiver's configuration and polls its ring with the shared {@link RingPoller}.
 *
 * <p>{@link #start} and {@link #stop} are called from the lifecycle thread.
 */
final class KernelSource {
  static final String OBJECT = "process.bpf.o";
  /** Program label per event type index of tapio.h (1 exec, 2 exit, 3 fork). */
  private static final String[] PROGRAMS = {null, "process_exec", "process_exit", "process_fork"};

  private final BpfObject object;
  private final RingBuffer ring;
  private final KernelDrops drops;
  private final RingPoller poller;

  private KernelSource(BpfObject object, RingBuffer ring, KernelDrops drops, RingPoller poller) {
    this.object = object;
    this.ring = ring;
    this.drops = drops;
    this.poller = poller;
  }

  /** Loads, attaches and starts polling; throws when the kernel refuses (caller falls back). */
  static KernelSource start(String objectName, ComponentContext context,
      EbpfProcessConfig config, LogsConsumer next, CgroupAttribution attribution)
      throws BpfException, IOException {
    BpfObject object = BpfObject.openBundled(objectName);
    RingBuffer ring = null;
    try {
      object.setReadOnlyConfig(config.kernelConfig());
      object.setRingBufferSize("events", (int) config.ringBufferSize());
      object.setAutoload("tapio_exec", config.exec());
      object.setAutoload("tapio_exit", config.exit());
      object.setAutoload("tapio_fork", config.fork());
      object.load();
      if (config.exec()) {
        object.attach("tapio_exec");
      }
      if (config.exit()) {
        object.attach("tapio_exit");
      }
      if (config.fork()) {
        object.attach("tapio_fork");
      }
      ring = new RingBuffer(object.map("events"));
      KernelDrops drops = new KernelDrops(object.map("drops"), context, PROGRAMS);
      KernelRecordDecoder decoder = new KernelRecordDecoder(attribution, bootToUnixNanos(),
          config.argsMaxCount());
      RingPoller poller = new RingPoller(context, "ebpf-process", ring, decoder, drops, next,
          config.pollTimeout());
      context.gauge("tapio_ring_buffer_usage_percent", "Fill level of the kernel ring buffer.",
          ring::usagePercent, "program", "process");
      poller.start();
      return new KernelSource(object, ring, drops, poller);
    } catch (BpfException | RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      object.close();
      throw e;
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

  /** Kernel drops so far for an event type (1 exec, 2 exit, 3 fork) and reason index. */
  long kernelDrops(int type, int reason) {
    return drops.dropped(type, reason);
  }

  void stop() throws InterruptedException {
    poller.stop();
    ring.close();
    object.close();
  }
}
