package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfObject;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.bpf.libc.Libc;
import dev.tapio.component.ComponentContext;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.Logs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The eBPF path: loads and attaches the process program, then one poll thread waits on the ring
 * buffer (epoll, bounded by {@code poll_timeout}), decodes every pending record into one batch
 * and hands it on. Once a second it turns the kernel's per-CPU drop counters into
 * {@code tapio_events_dropped_total{program,reason}}.
 *
 * <p>Threads: {@link #start} and {@link #stop} from the lifecycle thread; everything else on
 * the poll thread {@code tapio-ebpf-process-<id>}.
 */
final class KernelSource {
  static final String OBJECT = "process.bpf.o";
  private static final String[] PROGRAMS = {"", "process_exec", "process_exit", "process_fork"};
  private static final String[] REASONS = {"ring_buffer_full", "sampled", "filtered"};
  private static final int DRAIN_LIMIT = 8192;

  private final ComponentContext context;
  private final EbpfProcessConfig config;
  private final LogsConsumer next;
  private final BpfObject object;
  private final RingBuffer ring;
  private final KernelRecordDecoder decoder;
  private final long[] drops = new long[32];
  private final long[] reported = new long[32];
  private final ComponentContext.Counter[] dropCounters = new ComponentContext.Counter[32];
  private final Thread thread;
  private volatile boolean running = true;

  private KernelSource(ComponentContext context, EbpfProcessConfig config, LogsConsumer next,
      BpfObject object, RingBuffer ring, CgroupAttribution attribution) {
    this.context = context;
    this.config = config;
    this.next = next;
    this.object = object;
    this.ring = ring;
    this.decoder = new KernelRecordDecoder(attribution, bootToUnixNanos(), config.argsMaxCount());
    for (int type = 1; type <= 3; type++) {
      for (int reason = 0; reason < REASONS.length; reason++) {
        dropCounters[type * 4 + reason] = context.counter("tapio_events_dropped",
            "Events dropped in the kernel, by program and reason.", "program", PROGRAMS[type],
            "reason", REASONS[reason]);
      }
    }
    this.thread = Thread.ofPlatform().daemon(true).name("tapio-ebpf-process-" + context.id())
        .unstarted(this::run);
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
      KernelSource source = new KernelSource(context, config, next, object, ring, attribution);
      context.gauge("tapio_ring_buffer_usage_percent", "Fill level of the kernel ring buffer.",
          ring::usagePercent, "program", "process");
      source.thread.start();
      return source;
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

  private void run() {
    int timeout = (int) Math.max(1, config.pollTimeout().toMillis());
    long nextDropRead = System.nanoTime();
    while (running) {
      ring.await(timeout);
      drainAndDeliver();
      if (System.nanoTime() - nextDropRead >= 0) {
        readDrops();
        nextDropRead = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      }
    }
    drainAndDeliver();
    readDrops();
  }

  private void drainAndDeliver() {
    int n;
    do {
      n = ring.drain(decoder, DRAIN_LIMIT);
      Logs batch = decoder.take();
      if (batch != null) {
        deliver(batch);
      }
    } while (n == DRAIN_LIMIT);
  }

  private void deliver(Logs batch) {
    int items = batch.logRecordCount();
    long backoff = 1;
    while (true) {
      try {
        next.consumeLogs(batch);
        return;
      } catch (ConsumerException e) {
        if (!e.retryable()) {
          context.dropped(items, "refused");
          return;
        }
        if (!running) {
          context.dropped(items, "shutdown");
          return;
        }
        // Waiting here lets the kernel ring fill; its drops are counted there.
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          context.dropped(items, "shutdown");
          return;
        }
        backoff = Math.min(backoff * 2, 200);
      }
    }
  }

  private void readDrops() {
    try {
      object.map("drops").sumPerCpuU64(drops);
    } catch (BpfException e) {
      context.logger().log(Level.WARNING, "cannot read kernel drop counters: " + e.getMessage());
      return;
    }
    for (int i = 0; i < drops.length; i++) {
      long delta = drops[i] - reported[i];
      if (delta > 0 && dropCounters[i] != null) {
        dropCounters[i].add(delta);
        reported[i] = drops[i];
      }
    }
  }

  /** Kernel drops so far for an event type (1 exec, 2 exit, 3 fork) and reason index. */
  long kernelDrops(int type, int reason) {
    return reported[type * 4 + reason];
  }

  long decoded() {
    return decoder.decoded();
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
    ring.close();
    object.close();
  }
}
