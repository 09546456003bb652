package dev.tapio.plugin.batch;

import dev.tapio.component.Component;
import dev.tapio.component.Host;
import dev.tapio.component.ComponentContext;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The batch processor's engine, the same for every signal: accumulates what it is given into
 * one pending batch and hands batches to {@code next} when {@code send_batch_size} items are
 * pending, when the oldest pending item has waited {@code timeout}, and at shutdown; batches
 * above {@code send_batch_max_size} are split first.
 *
 * <p>Threading: {@link #consume} is called by the pipeline thread only; a timer thread of this
 * instance ({@code tapio-batch-<id>-<signal>}) races it to flush on timeout; {@link #start} and
 * {@link #shutdown} come from the lifecycle thread. Two locks: {@code pendingLock} guards the
 * pending batch and is held only to move data in or out, never while calling {@code next}, so
 * the pipeline thread keeps buffering while the timer thread is exporting; {@code sendLock}
 * is held across taking batches out and calling {@code next}, so that {@code next} is never
 * called concurrently (the downstream consumer is a single-threaded pipeline stage) and
 * batches reach it in the order their items arrived. Lock order: sendLock, then pendingLock.
 *
 * <p>Ownership: {@link #consume} takes ownership of its argument; the argument becomes the
 * pending batch when none is pending, else its resource groups are moved into it. Each batch
 * handed to {@code next} is given away.
 *
 * <p>Memory: pending items hold heap, so {@link #consume} counts the batch's estimated bytes in
 * the process-wide budget ({@link ComponentContext#memory()}; never refused: the batch
 * processor is on the data's way out, bounded by its sizes) and a batch handed on returns its
 * share. Shares of a split are proportional and the last batch out of the pending one returns
 * whatever is left, so reservations and releases always balance.
 *
 * <p>Failure: when {@code next} throws, the batch's items are counted as dropped with reason
 * {@code downstream_refused} and the failure is logged at most once a minute; the exception is
 * not passed on, because the items may have been accepted by earlier calls, as in the
 * Collector, whose batch processor exports asynchronously.
 */
final class Batcher<T extends TelemetryData<?>> implements Component {
  static final String DROP_REASON = "downstream_refused";
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ComponentContext context;
  private final BatchSignal<T> signal;
  private final Consumer<T> next;
  private final int sendBatchSize;
  private final int sendBatchMaxSize;
  private final long timeoutNanos;

  /** The Collector's counts of batches sent because they were full, or because they waited. */
  private final ComponentContext.Counter sizeTriggered;
  private final ComponentContext.Counter timeoutTriggered;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final ReentrantLock pendingLock = new ReentrantLock();
  private final Condition pendingChanged = pendingLock.newCondition();
  // Guarded by pendingLock.
  private T pending;
  private long pendingItems;
  private long deadlineNanos;
  private long heldBytes; // reserved from the memory budget for what is pending
  private boolean stopping;

  // Written under pendingLock, so that consume sees it.
  private Thread timer;
  private final AtomicLong lastFailureLogNanos = new AtomicLong(System.nanoTime()
      - LOG_INTERVAL_NANOS);
  private final AtomicLong unloggedFailures = new AtomicLong();

  Batcher(ComponentContext context, BatchConfig config, BatchSignal<T> signal, Consumer<T> next) {
    this.context = context;
    context.dropped(0, DROP_REASON); // the series exists from the start
    this.signal = signal;
    this.next = next;
    this.sendBatchSize = config.sendBatchSize();
    this.sendBatchMaxSize = config.sendBatchMaxSize();
    this.timeoutNanos = config.timeout().toNanos();
    this.sizeTriggered = context.counter("otelcol_processor_batch_batch_size_trigger_send",
        "Batches sent because they reached send_batch_size.");
    this.timeoutTriggered = context.counter("otelcol_processor_batch_timeout_trigger_send",
        "Batches sent because their timeout passed.");
  }

  /** Starts the timer thread, unless the timeout is zero and nothing is ever buffered. */
  @Override
  public void start(Host host) {
    start();
  }

  void start() {
    if (timeoutNanos == 0) {
      return;
    }
    String name = "tapio-batch-" + context.id()
        + (context.signal() == null ? "" : "-" + context.signal().id());
    Thread thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::runTimer);
    pendingLock.lock();
    try {
      timer = thread;
    } finally {
      pendingLock.unlock();
    }
    thread.start();
  }

  /** Pipeline thread only. Takes ownership of {@code data}. */
  void consume(T data) {
    if (BatchSignal.isEmpty(data)) {
      return;
    }
    int items = data.itemCount();
    long bytes = data.estimatedBytes();
    context.memory().reserve(bytes); // downstream of the edge: counted, never refused
    long trigger;
    pendingLock.lock();
    try {
      heldBytes += bytes;
      if (pending == null) {
        pending = signal.writable(data);
        deadlineNanos = System.nanoTime() + timeoutNanos;
        pendingChanged.signal();
      } else {
        signal.append(signal.writable(data), pending);
      }
      pendingItems += items;
      // Without a timer (timeout 0, or stopped) nothing may stay behind.
      trigger = timeoutNanos == 0 || stopping || timer == null ? 0 : sendBatchSize;
      if (pendingItems < trigger) {
        return;
      }
    } finally {
      pendingLock.unlock();
    }
    sendLock.lock();
    try {
      drain(trigger, sizeTriggered);
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Sends batches while at least {@code minItems} items are pending (0: until nothing is
   * pending), each split to {@code send_batch_max_size}, counting each in {@code why} (null:
   * not counted, at shutdown). Caller holds sendLock.
   */
  private void drain(long minItems, ComponentContext.Counter why) {
    while (true) {
      T batch;
      long items;
      long bytes;
      pendingLock.lock();
      try {
        if (pending == null || pendingItems < minItems) {
          return;
        }
        if (sendBatchMaxSize == 0 || pendingItems <= sendBatchMaxSize) {
          batch = pending;
          items = pendingItems;
          pending = null;
          pendingItems = 0;
          bytes = heldBytes;
          heldBytes = 0;
        } else {
          batch = signal.create();
          long before = pendingItems;
          items = signal.moveFirst(pending, sendBatchMaxSize, batch);
          pendingItems -= items;
          if (BatchSignal.isEmpty(pending)) {
            pending = null;
            bytes = heldBytes;
            heldBytes = 0;
          } else {
            bytes = (long) (heldBytes * ((double) items / before));
            heldBytes -= bytes;
            // What a split leaves behind arrived with the latest consume: its wait starts now.
            deadlineNanos = System.nanoTime() + timeoutNanos;
          }
        }
      } finally {
        pendingLock.unlock();
      }
      // Handed on: the next holder (a sending queue) charges it; holding both would count it
      // twice.
      context.memory().release(bytes);
      if (why != null) {
        why.add(1);
      }
      send(batch, items);
    }
  }

  private void send(T batch, long items) {
    try {
      next.accept(batch);
    } catch (RuntimeException e) {
      context.dropped(items, DROP_REASON);
      logFailure(e, items);
    }
  }

  // Out of line and rate-limited: a broken downstream fails every batch.
  private void logFailure(RuntimeException e, long items) {
    long now = System.nanoTime();
    long last = lastFailureLogNanos.get();
    if (now - last < LOG_INTERVAL_NANOS || !lastFailureLogNanos.compareAndSet(last, now)) {
      unloggedFailures.incrementAndGet();
      return;
    }
    long others = unloggedFailures.getAndSet(0);
    context.logger().log(Level.WARNING, "next consumer refused a batch of " + items
        + " items; dropped them (" + others + " more batches since the last message)", e);
  }

  private void runTimer() {
    try {
      while (awaitDeadline()) {
        sendLock.lock();
        try {
          if (deadlinePassed()) {
            drain(0, timeoutTriggered);
          }
        } finally {
          sendLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // shutdown() flushes what is pending.
    }
  }

  /** Blocks until the pending batch is due; false when stopping. */
  private boolean awaitDeadline() throws InterruptedException {
    pendingLock.lock();
    try {
      while (!stopping) {
        if (pending == null) {
          pendingChanged.await();
        } else {
          long wait = deadlineNanos - System.nanoTime();
          if (wait <= 0) {
            return true;
          }
          pendingChanged.awaitNanos(wait);
        }
      }
      return false;
    } finally {
      pendingLock.unlock();
    }
  }

  // Rechecked under sendLock: the pipeline thread may have sent the batch meanwhile.
  private boolean deadlinePassed() {
    pendingLock.lock();
    try {
      return pending != null && deadlineNanos - System.nanoTime() <= 0;
    } finally {
      pendingLock.unlock();
    }
  }

  /** Stops the timer and sends everything pending. Lifecycle thread. */
  @Override
  public void shutdown() throws InterruptedException {
    pendingLock.lock();
    try {
      stopping = true;
      pendingChanged.signalAll();
    } finally {
      pendingLock.unlock();
    }
    Thread thread;
    pendingLock.lock();
    try {
      thread = timer;
    } finally {
      pendingLock.unlock();
    }
    if (thread != null) {
      thread.join();
    }
    sendLock.lock();
    try {
      drain(0, null);
    } finally {
      sendLock.unlock();
    }
  }
}
