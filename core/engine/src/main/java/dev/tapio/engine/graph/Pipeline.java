package dev.tapio.engine.graph;

import dev.tapio.component.MemoryBudget;
import dev.tapio.consumer.Admission;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.config.QueueSpec;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;

/**
 * One pipeline's entry queue and thread. Receivers (any number of threads) call
 * {@link #consume}; the pipeline's own thread drains the bounded MPSC queue in batches and runs
 * each batch through the processors to the exporters.
 *
 * <p>Overflow: {@code drop} counts the batch's items as dropped with reason {@code queue_full}
 * and returns; {@code block} waits up to the block timeout, then refuses with a retryable
 * {@link ConsumerException}. A retryable refusal from a processor (memory_limiter) is retried by
 * the pipeline thread with backoff, which fills the queue and so pushes back to receivers.
 *
 * <p>The pipeline thread never dies of what a component throws: processors and exporters are
 * wrapped ({@link GuardedProcessor}, {@link ObservedExporter}) so their failures are counted
 * against them, and anything that still escapes is counted here ({@code pipeline_error}). When a
 * component is stuck past the stop deadline, the stop abandons the thread and counts every item
 * it still held, queued or in the stuck call, as {@code shutdown_timeout}.
 */
final class Pipeline<T extends TelemetryData<?>> implements DataSink<T> {
  private static final int DRAIN_LIMIT = 256;
  // Producers unpark a parked pipeline thread (`parked` and the queue's producer index are each
  // written before the other side reads them, through volatile and CAS accesses, so one of the
  // two sees the other: no wake-up is lost). The timeout is a safety net only: an idle pipeline
  // thread wakes once a second.
  private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Envelope<T>(T data, long bytes) {}

  private final PipelineId id;
  private final QueueSpec spec;
  private final MpscVarHandleArrayQueue<Envelope<T>> queue;
  private final PipelineTelemetry telemetry;
  private final System.Logger logger;
  private final MemoryBudget memory;
  private Admission[] admissions = new Admission[0];
  private DataSink<T> head;
  private boolean mutates;
  private Thread thread;
  private volatile boolean parked;
  private volatile boolean closed;
  private volatile boolean stopping;
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private final ReentrantLock syncLock = new ReentrantLock();
  private long lastErrorLogNanos;
  // Items queued, not yet taken by the pipeline thread: what a stop that abandons it counts.
  private final AtomicLong queuedItems = new AtomicLong();
  // Receiver threads inside consume() now.
  private final AtomicInteger producers = new AtomicInteger();
  private volatile int inFlightItems;
  private volatile boolean abandoned;
  private List<ComponentCall> calls = List.of();

  Pipeline(PipelineId id, QueueSpec spec, PipelineTelemetry telemetry, MemoryBudget memory) {
    this.memory = memory;
    this.id = id;
    this.spec = spec;
    // A synchronous pipeline has no queue; a minimal one keeps the fields final and simple.
    this.queue = new MpscVarHandleArrayQueue<>(Math.max(spec.size(), 2));
    this.telemetry = telemetry;
    this.logger = System.getLogger("tapio.pipeline." + id);
    telemetry.queueGauges(queue::size, spec.size());
  }

  PipelineId id() {
    return id;
  }

  System.Logger logger() {
    return logger;
  }

  /** Processors that may refuse data before it is queued; see {@link Admission}. */
  void admissions(List<Admission> admissions) {
    this.admissions = admissions.toArray(new Admission[0]);
  }

  /** The processor and exporter calls of this pipeline, to name a stuck one at stop. */
  void calls(List<ComponentCall> calls) {
    this.calls = List.copyOf(calls);
  }

  /** Whether the pipeline is stopping and its drain deadline has passed: stop retrying. */
  boolean pastDrainDeadline() {
    return abandoned || (stopping && System.nanoTime() - drainDeadlineNanos >= 0);
  }

  /** Items a stage gave up on at the stop deadline, counted as {@code shutdown_timeout}. */
  void droppedAtStop(int items, String why) {
    telemetry.dropped(items, "shutdown_timeout");
    logger.log(Level.WARNING, "shutdown deadline passed: dropped " + items + " items ("
        + why + ")");
  }

  /**
   * Sets the first processor (or the exporter fan-out), before {@link #start()}; {@code mutates}
   * says whether any stage of the pipeline changes data, so receivers shared with other
   * pipelines hand this one its own copy.
   */
  void head(DataSink<T> head, boolean mutates) {
    this.head = head;
    this.mutates = mutates;
  }

  @Override
  public boolean mutates() {
    return mutates;
  }

  /*
   * A stopped pipeline never took the data, and the process is going away (or restarting): the
   * sender should try again, here later or at another replica. A permanent refusal here made an
   * OTLP client drop a batch it had sent to a gateway in the middle of its shutdown.
   */
  private ConsumerException stopped() {
    return ConsumerException.retryable("pipeline '" + id + "' is stopped; retry");
  }

  /** Called by receivers' threads. See the class comment for overflow behaviour. */
  @Override
  public void consume(T data) {
    // Counted in before `closed` is read, so a stop that sets `closed` and then sees no producer
    // inside knows nothing can still reach the queue (see run()).
    producers.incrementAndGet();
    try {
      enter(data);
    } finally {
      producers.decrementAndGet();
    }
  }

  private void enter(T data) {
    if (closed) {
      throw stopped();
    }
    for (Admission a : admissions) {
      a.admit(data); // a refusal goes back to the receiver's caller, who still has the data
    }
    if (spec.synchronous()) {
      consumeSynchronously(data);
      return;
    }
    int items = data.itemCount();
    long bytes = data.estimatedBytes();
    if (!memory.tryReserve(bytes)) {
      if (!awaitMemory(items, bytes)) {
        return; // dropped and counted (overflow: drop)
      }
    }
    data.markEnqueued(System.nanoTime());
    Envelope<T> e = new Envelope<>(data, bytes);
    queuedItems.addAndGet(items);
    try {
      if (!queue.offer(e)) {
        overflow(e);
      }
    } catch (RuntimeException refused) {
      queuedItems.addAndGet(-items);
      memory.release(bytes);
      throw refused;
    }
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /*
   * No queue: the caller's thread runs the processors and exporters, one caller at a time (the
   * processors' single-thread contract holds), and a refusal reaches the caller, who still owns
   * the data and may resend it. Nothing is dropped here.
   */
  private void consumeSynchronously(T data) {
    int items = data.itemCount();
    syncLock.lock();
    data.markEnqueued(System.nanoTime());
    try {
      head.consume(data);
    } catch (ConsumerException ce) {
      throw ce;
    } catch (Throwable t) {
      // Components are guarded; this is the engine's own failure. Nothing was acknowledged.
      logger.log(Level.ERROR, "pipeline failed on " + items + " items; refused to the caller", t);
      throw ConsumerException.retryable("pipeline '" + id + "' failed: " + t, t);
    } finally {
      syncLock.unlock();
    }
  }

  /*
   * Slow path: the memory budget is spent. With overflow "drop" the batch is dropped and counted
   * (memory_budget) and false returned; with "block" the caller waits up to the block timeout
   * for queued data to drain, then is refused with a retryable error — an OTLP client gets a 503
   * or UNAVAILABLE and keeps its data.
   */
  private boolean awaitMemory(int items, long bytes) {
    if (spec.overflow() == QueueSpec.Overflow.DROP) {
      telemetry.dropped(items, "memory_budget");
      return false;
    }
    block(() -> memory.tryReserve(bytes), () -> "memory budget spent: "
        + memory.reservedBytes() + " of " + memory.limitBytes() + " bytes of telemetry are"
        + " queued and a batch of " + bytes + " more does not fit (service.memory_budget);"
        + " retry later");
    return true;
  }

  // Slow path: the queue is full.
  private void overflow(Envelope<T> e) {
    if (spec.overflow() == QueueSpec.Overflow.DROP) {
      int items = e.data().itemCount();
      queuedItems.addAndGet(-items);
      memory.release(e.bytes());
      telemetry.dropped(items, "queue_full");
      return;
    }
    block(() -> queue.offer(e), () -> "pipeline '" + id + "' queue is full ("
        + queue.capacity() + " batches) for " + spec.blockTimeout().toMillis()
        + "ms; the exporters are not keeping up");
  }

  /*
   * Slow path of the block policy: retries {@code attempt} with backoff (1 µs to 1 ms), waking
   * the pipeline thread so it drains, until it succeeds, the pipeline stops, or the block
   * timeout passes — then a retryable refusal saying {@code why}.
   */
  private void block(BooleanSupplier attempt, Supplier<String> why) {
    long deadline = System.nanoTime() + spec.blockTimeout().toNanos();
    long park = 1_000;
    while (!attempt.getAsBoolean()) {
      if (closed) {
        throw stopped();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw ConsumerException.retryable(why.get());
      }
      if (parked) {
        LockSupport.unpark(thread);
      }
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, 1_000_000);
    }
  }

  void start() {
    if (spec.synchronous()) {
      return;
    }
    thread = Thread.ofPlatform().name("tapio-pipeline-" + id).daemon(true).unstarted(this::run);
    thread.start();
  }

  /**
   * Stops accepting, lets the thread drain the queue until {@code deadlineNanos}
   * ({@link System#nanoTime()} based), then drops what is left with reason
   * {@code shutdown_timeout}. Returns when the thread has ended.
   */
  void stop(long deadlineNanos) throws InterruptedException {
    closed = true;
    drainDeadlineNanos = deadlineNanos;
    stopping = true;
    if (spec.synchronous()) {
      // Wait for a caller still inside the pipeline (new ones are refused), but not forever: a
      // stuck component leaves that caller's client waiting, never acknowledged, so nothing the
      // engine accepted is lost by going on.
      long waitNanos = Math.max(0, deadlineNanos - System.nanoTime());
      if (syncLock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        syncLock.unlock();
      } else {
        logger.log(Level.WARNING, "a caller is still inside the synchronous pipeline at the"
            + " shutdown deadline (a component is stuck); stopping without it");
      }
      return;
    }
    if (thread == null) {
      return;
    }
    LockSupport.unpark(thread);
    long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    thread.join(waitMillis + 1_000);
    if (thread.isAlive()) {
      abandon();
    }
  }

  /*
   * The thread is inside a component that does not return. It is left behind (a daemon); what it
   * still holds is counted now, and should the call ever return, the thread exits without
   * touching the queue. A batch the stuck call delivers after all is then counted and delivered,
   * or counted twice if the call fails late: over-counting a loss, never hiding one.
   */
  private void abandon() throws InterruptedException {
    abandoned = true;
    String where = "";
    for (ComponentCall c : calls) {
      if (c.inCall()) {
        where = where.isEmpty() ? c.label() : where + ", " + c.label();
      }
    }
    thread.interrupt();
    thread.join(1_000);
    // Freed by the interrupt, the thread counted its own batch and exited without polling more.
    long items = queuedItems.getAndSet(0) + (thread.isAlive() ? inFlightItems : 0);
    if (items > 0) {
      telemetry.dropped(items, "shutdown_timeout");
    }
    logger.log(Level.WARNING, "pipeline thread is stuck in " + (where.isEmpty() ? "a component"
        : where) + " past the shutdown deadline; abandoned it with " + items
        + " items (counted as dropped, reason shutdown_timeout)");
  }

  private void run() {
    while (!abandoned) {
      if (stopping && System.nanoTime() - drainDeadlineNanos >= 0) {
        dropRemaining();
        if (producers.get() == 0) {
          dropRemaining(); // what a producer inside added after the first pass
          return;
        }
        Thread.onSpinWait();
        continue;
      }
      int n = queue.drain(this::process, DRAIN_LIMIT);
      if (n > 0) {
        continue;
      }
      if (stopping) {
        // Producers first: one that read `closed` as false may still be about to offer. Once
        // none is inside, none can enter (closed is set), and an empty queue stays empty. The
        // gateway restart soak lost a batch to this race: a late request on a stopping backend
        // was answered 200 and its batch stayed in the queue after the thread had left.
        if (producers.get() == 0 && queue.isEmpty()) {
          return;
        }
        Thread.onSpinWait();
        continue;
      }
      parked = true;
      if (queue.isEmpty() && !stopping) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
      parked = false;
    }
  }

  private void dropRemaining() {
    Envelope<T> e;
    long dropped = 0;
    while ((e = queue.poll()) != null) {
      int items = e.data().itemCount();
      queuedItems.addAndGet(-items);
      memory.release(e.bytes());
      dropped += items;
      telemetry.dropped(items, "shutdown_timeout");
    }
    if (dropped > 0) {
      logger.log(Level.WARNING, "shutdown deadline passed: dropped " + dropped
          + " items still queued (counted as reason shutdown_timeout)");
    }
  }

  private void process(Envelope<T> e) {
    T data = e.data();
    int items = data.itemCount();
    if (abandoned) {
      // Still in queuedItems, so counted by the stop that abandoned this thread (checked before
      // taking it out of that count: the other order could leave it counted by no one).
      return;
    }
    queuedItems.addAndGet(-items);
    // The charge covers the batch at rest in the queue. Taken, it is handed on, and whoever holds
    // it next (a batch processor, a sending queue) charges it again: holding both would count
    // the same bytes twice, and a batch larger than half the budget could then never be passed
    // on. What is uncharged meanwhile is the one batch this thread is working on.
    memory.release(e.bytes());
    inFlightItems = items;
    try {
      processOne(data, items);
    } finally {
      inFlightItems = 0;
    }
  }

  private void processOne(T data, int items) {
    long backoff = 1_000_000;
    while (true) {
      try {
        head.consume(data);
        return;
      } catch (ConsumerException ce) {
        if (!ce.retryable()) {
          telemetry.dropped(items, "refused");
          logRateLimited("a processor refused " + items + " items permanently: " + ce.getMessage());
          return;
        }
        if (pastDrainDeadline()) {
          if (!abandoned) {
            telemetry.dropped(items, "shutdown_timeout");
          }
          return;
        }
        logRateLimited("a processor refused " + items + " items, retrying: " + ce.getMessage());
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, 100_000_000);
      } catch (Throwable t) {
        // Components are guarded, so this is the engine's own failure; the thread carries on.
        if (!abandoned) {
          telemetry.dropped(items, "pipeline_error");
        }
        logRateLimited("pipeline failed on " + items + " items; they are dropped: " + t);
        return;
      }
    }
  }

  /**
   * Called by the exporter fan-out, on whichever thread hands {@code data} on (this pipeline's,
   * or a processor's own, as {@code batch} flushing on its timeout): records the wait of its
   * oldest item since it entered the queue.
   */
  void handedToExporters(TelemetryData<?> data) {
    telemetry.processed(data.itemCount());
    long since = data.enqueuedNanos();
    if (since != 0) {
      telemetry.recordLatency(System.nanoTime() - since);
    }
  }

  private void logRateLimited(String message) {
    long now = System.nanoTime();
    if (now - lastErrorLogNanos > TimeUnit.SECONDS.toNanos(10) || lastErrorLogNanos == 0) {
      lastErrorLogNanos = now;
      logger.log(Level.WARNING, message);
    }
  }

  long processedCount() {
    return telemetry.processedCount();
  }

  long droppedCount(String reason) {
    return telemetry.droppedCount(reason);
  }
}
