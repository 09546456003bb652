package dev.tapio.bpf.receiver;

import dev.tapio.bpf.BpfException;
import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.pdata.Logs;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The poll loop every eBPF receiver shares: one thread waits on the ring (epoll, bounded by the
 * poll timeout — the latency bound), drains every pending record through the decoder into one
 * batch, hands it to the pipeline, and once a second updates the kernel drop counters. A
 * retryable refusal is retried with backoff (the kernel ring fills meanwhile and counts its own
 * drops); a permanent one, or one still refused at shutdown, is counted as dropped.
 *
 * <p>The thread never dies of what the decoder throws: the record it failed on is consumed and
 * counted as dropped ({@code decode_error}), the receiver reports {@code degraded} with the
 * reason until a drain succeeds, the log says so at most every 10 s, and polling goes on.
 *
 * <p>Wake-ups are counted ({@code tapio_ebpf_wakeups_total{cause=data|timeout}}: the kernel
 * woke the thread for pending records, or the poll timeout ran out); with {@link #adaptWakeups}
 * a {@link WakeupPolicy} rewrites the kernel's wake-up threshold from the measured rate.
 *
 * <p>{@link #start} and {@link #stop} from the lifecycle thread; the rest on the poll thread.
 */
public final class RingPoller {
  private static final int DRAIN_LIMIT = 8192;

  private final ComponentContext context;
  private final RingBuffer ring;
  private final BatchDecoder decoder;
  private final KernelDrops drops;
  private final LogsConsumer next;
  private final int timeoutMillis;
  private final Thread thread;
  private final ComponentContext.Counter wokenByData;
  private final ComponentContext.Counter wokenByTimeout;
  private volatile boolean running = true;
  private WakeupPolicy wakeups; // set before start
  private volatile long wakeupThreshold;
  // Poll thread only.
  private boolean failing;
  private long lastFailureLogNanos;

  /**
   * @param name the program's label ({@code process}, {@code network}…): the {@code program}
   *     label of the wake-up counters and part of the poll thread's name
   */
  public RingPoller(ComponentContext context, String name, RingBuffer ring, BatchDecoder decoder,
      KernelDrops drops, LogsConsumer next, Duration pollTimeout) {
    this.context = context;
    this.ring = ring;
    this.decoder = decoder;
    this.drops = drops;
    this.next = next;
    this.timeoutMillis = (int) Math.max(1, pollTimeout.toMillis());
    this.thread = Thread.ofPlatform().daemon(true)
        .name("tapio-ebpf-" + name + "-" + context.id())
        .unstarted(this::run);
    wokenByData = context.counter("tapio_ebpf_wakeups", "Wake-ups of the eBPF poll thread: by"
        + " the kernel for pending records (data) or at the poll timeout (timeout).", "program",
        name, "cause", "data");
    wokenByTimeout = context.counter("tapio_ebpf_wakeups", "Wake-ups of the eBPF poll thread: by"
        + " the kernel for pending records (data) or at the poll timeout (timeout).", "program",
        name, "cause", "timeout");
    context.dropped(0, "decode_error");
    context.dropped(0, "refused");
    context.dropped(0, "shutdown");
  }

  public void start() {
    thread.start();
  }

  /**
   * Lets a {@link WakeupPolicy} set the kernel's wake-up threshold in the program's
   * {@code wakeup} map from the measured rate; {@code idleThreshold} is the configured
   * {@code wakeup_bytes}. Before {@link #start}.
   */
  void adaptWakeups(BpfMap map, long idleThreshold, long ringBytes) {
    wakeupThreshold = idleThreshold;
    wakeups = new WakeupPolicy(map, idleThreshold, TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
        ringBytes, System.nanoTime(), ring.consumedBytes());
  }

  /** Records the configured threshold for the gauge; the kernel uses it as it is. */
  void fixedWakeups(long bytes) {
    wakeupThreshold = bytes;
  }

  /** The wake-up threshold in force (the configured one without a policy), for a gauge. */
  long wakeupThreshold() {
    return wakeupThreshold;
  }

  /** Stops polling after a last drain and a last read of the drop counters. */
  public void stop() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }

  private void run() {
    try {
      poll();
    } catch (IllegalStateException closed) {
      if (running) {
        throw closed;
      }
      // Stopped, and the ring closed under a poll that outlived stop()'s wait: nothing to read.
    }
  }

  private void poll() {
    long nextDropRead = System.nanoTime();
    while (running) {
      int timeout = wakeups == null ? timeoutMillis : wakeups.pollTimeoutMillis(timeoutMillis);
      (ring.await(timeout) ? wokenByData : wokenByTimeout).add(1);
      drainAndDeliver();
      if (wakeups != null) {
        adapt();
      }
      afterDrain(false);
      if (System.nanoTime() - nextDropRead >= 0) {
        readDrops();
        nextDropRead = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      }
    }
    drainAndDeliver();
    afterDrain(true);
    readDrops();
  }

  private void adapt() {
    try {
      wakeupThreshold = wakeups.update(System.nanoTime(), ring.consumedBytes());
    } catch (BpfException e) {
      // The map write failed: the threshold in the kernel stays; the next window retries.
    }
  }

  private void afterDrain(boolean last) {
    if (decoder.afterDrain(last)) {
      Logs batch = decoder.take();
      if (batch != null) {
        deliver(batch);
      }
    }
  }

  private void drainAndDeliver() {
    int n;
    boolean failedNow = false;
    do {
      try {
        n = ring.drain(decoder, DRAIN_LIMIT);
        if (wakeups != null) {
          wakeups.drained(n);
        }
      } catch (Throwable t) {
        decodeFailed(t);
        failedNow = true;
        n = DRAIN_LIMIT; // drain on past the bad record
      }
      Logs batch = decoder.take();
      if (batch != null) {
        deliver(batch);
      }
    } while (n == DRAIN_LIMIT && running);
    if (failing && !failedNow) {
      failing = false;
      context.reportStatus(ComponentStatus.OK, "");
    }
  }

  // Slow path: the decoder threw on one record.
  private void decodeFailed(Throwable t) {
    context.dropped(1, "decode_error");
    String what = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    if (!failing) {
      failing = true;
      context.reportStatus(ComponentStatus.DEGRADED, "the decoder failed on a record: " + what);
    }
    long now = System.nanoTime();
    if (lastFailureLogNanos == 0 || now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(10)) {
      lastFailureLogNanos = now;
      context.logger().log(Level.ERROR, "decoder of " + context.id() + " failed on a record;"
          + " dropped it (counted as decode_error) and polling goes on", t);
    }
  }

  private void deliver(Logs batch) {
    int items = batch.logRecordCount();
    long backoff = 1;
    while (true) {
      try {
        next.consumeLogs(batch);
        return;
      } catch (Error e) {
        // The engine's entry does not throw these; an OutOfMemoryError may still reach here.
        context.dropped(items, "refused");
        context.logger().log(Level.ERROR, "dropped " + items + " records: " + e);
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
      drops.update();
    } catch (BpfException e) {
      context.logger().log(Level.WARNING, "cannot read kernel drop counters: " + e.getMessage());
    }
  }
}
