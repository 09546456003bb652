package dev.tapio.engine.graph;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.config.QueueSpec;
import dev.tapio.pdata.TelemetryData;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
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
 */
final class Pipeline<T extends TelemetryData<?>> implements DataSink<T> {
  private static final int DRAIN_LIMIT = 256;
  // Producers unpark a parked pipeline thread; the timeout only covers the rare lost wake-up, so
  // it can be long: an idle agent wakes 10 times a second, not 100.
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private record Envelope<T>(T data, long enqueueNanos) {}

  private final PipelineId id;
  private final QueueSpec spec;
  private final MpscVarHandleArrayQueue<Envelope<T>> queue;
  private final PipelineTelemetry telemetry;
  private final System.Logger logger;
  private DataSink<T> head;
  private boolean mutates;
  private Thread thread;
  private volatile boolean parked;
  private volatile boolean closed;
  private volatile boolean stopping;
  private volatile long drainDeadlineNanos = Long.MAX_VALUE;
  private long currentEnqueueNanos;
  private volatile Thread syncThread; // the caller running a synchronous pipeline
  private long lastErrorLogNanos;

  Pipeline(PipelineId id, QueueSpec spec, PipelineTelemetry telemetry) {
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

  /** Called by receivers' threads. See the class comment for overflow behaviour. */
  @Override
  public void consume(T data) {
    if (closed) {
      throw ConsumerException.permanent("pipeline '" + id + "' is stopped");
    }
    if (spec.synchronous()) {
      consumeSynchronously(data);
      return;
    }
    Envelope<T> e = new Envelope<>(data, System.nanoTime());
    if (!queue.offer(e)) {
      overflow(e);
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
    synchronized (this) {
      currentEnqueueNanos = System.nanoTime();
      syncThread = Thread.currentThread();
      try {
        head.consume(data);
      } catch (ConsumerException ce) {
        throw ce;
      } catch (RuntimeException re) {
        telemetry.dropped(items, "processor_error");
        logger.log(Level.ERROR, "a processor failed on " + items + " items; they are dropped", re);
      } finally {
        syncThread = null;
      }
    }
  }

  // Slow path: the queue is full.
  private void overflow(Envelope<T> e) {
    if (spec.overflow() == QueueSpec.Overflow.DROP) {
      telemetry.dropped(e.data().itemCount(), "queue_full");
      return;
    }
    long deadline = System.nanoTime() + spec.blockTimeout().toNanos();
    long park = 1_000;
    while (!queue.offer(e)) {
      if (closed) {
        throw ConsumerException.permanent("pipeline '" + id + "' is stopped");
      }
      if (System.nanoTime() - deadline >= 0) {
        throw ConsumerException.retryable("pipeline '" + id + "' queue is full ("
            + queue.capacity() + " batches) for " + spec.blockTimeout().toMillis()
            + "ms; the exporters are not keeping up");
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
      synchronized (this) {
        return; // waited for a caller still inside the pipeline; new ones are refused
      }
    }
    if (thread == null) {
      return;
    }
    LockSupport.unpark(thread);
    long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    thread.join(waitMillis + 1_000);
    if (thread.isAlive()) {
      logger.log(Level.WARNING, "pipeline thread did not stop in time; a component is stuck");
      thread.interrupt();
      thread.join(1_000);
    }
  }

  private void run() {
    while (true) {
      if (stopping && System.nanoTime() - drainDeadlineNanos >= 0) {
        dropRemaining();
        return;
      }
      int n = queue.drain(this::process, DRAIN_LIMIT);
      if (n > 0) {
        continue;
      }
      if (stopping) {
        if (queue.isEmpty()) {
          return;
        }
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
      dropped += items;
      telemetry.dropped(items, "shutdown_timeout");
    }
    if (dropped > 0) {
      logger.log(Level.WARNING, "shutdown deadline passed: dropped " + dropped
          + " items still queued (counted as reason shutdown_timeout)");
    }
  }

  private void process(Envelope<T> e) {
    currentEnqueueNanos = e.enqueueNanos();
    T data = e.data();
    int items = data.itemCount();
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
        if (stopping && System.nanoTime() - drainDeadlineNanos >= 0) {
          telemetry.dropped(items, "shutdown_timeout");
          return;
        }
        logRateLimited("a processor refused " + items + " items, retrying: " + ce.getMessage());
        LockSupport.parkNanos(backoff);
        backoff = Math.min(backoff * 2, 100_000_000);
      } catch (RuntimeException re) {
        telemetry.dropped(items, "processor_error");
        logger.log(Level.ERROR, "a processor failed on " + items + " items; they are dropped", re);
        return;
      }
    }
  }

  /** Called by the exporter fan-out: records latency when on this pipeline's thread. */
  void handedToExporters(int items) {
    telemetry.processed(items);
    Thread current = Thread.currentThread();
    if (current == thread || current == syncThread) {
      telemetry.recordLatency(System.nanoTime() - currentEnqueueNanos);
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
