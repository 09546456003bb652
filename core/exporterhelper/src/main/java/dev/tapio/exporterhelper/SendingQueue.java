package dev.tapio.exporterhelper;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.otlp.OtlpFormatException;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Collector's sending queue: {@link #offer} accepts a batch and returns at once; {@code
 * num_consumers} threads hand batches to the exporter's {@link Sender}.
 *
 * <p>In memory (no {@code storage}) the queue holds the batches themselves. With {@code storage}
 * naming a {@link StorageExtension}, each batch is written to a {@link PersistentLog} as its OTLP
 * export request and forced to disk before {@code offer} returns; consumers read and decode it
 * back, and mark it done only after the sender returned (or failed for good). Batches left on
 * disk by a crash or by a shutdown deadline are sent after the next start. Guarantee:
 * at-least-once; a batch sent just before a crash, not yet marked done, is sent again.
 *
 * <p>Handoff is a {@link ArrayBlockingQueue} of {@code queue_size} plus a {@link Semaphore} of as
 * many permits for admission: items are whole batches (hundreds to thousands of records), so a
 * lock per batch costs nothing measurable, and consumers and blocked producers need to park,
 * which JCTools queues leave to the caller. The semaphore lets a persistent offer reserve its
 * place before writing to disk, so a write is never followed by a refusal.
 *
 * <p>Refusals are not drops: when {@code offer} throws, the batch stays the caller's, to retry or
 * refuse upstream. It throws a retryable {@link ConsumerException} when the queue is full (and
 * {@code block_on_overflow} is false; counted in {@code otelcol_exporter_enqueue_failed_<items>}),
 * stopped, or cannot store the batch on disk. A disk that cannot take the batch (full, or failing)
 * also reports the component {@code DEGRADED}, naming the directory; later offers try again, at
 * once when the file system shows room for the batch that failed (sent batches free their
 * segments), and the first that is stored reports {@code OK} again.
 *
 * <p>Drops, via {@link ComponentContext#dropped}, each counting items the queue had accepted:
 * {@code export_failed} (the sender threw an exception: it gave up), {@code exporter_error} (the
 * sender, or the queue around it, threw an {@link Error} such as a {@link LinkageError}; the
 * consumer thread carries on), {@code corrupt} (batches on disk that cannot be read back, see
 * {@link PersistentLog}), {@code shutdown} (in-memory batches still queued at the shutdown
 * deadline). Gauges {@code otelcol_exporter_queue_size} and {@code
 * otelcol_exporter_queue_capacity}. Counters {@code tapio_exporter_queue_corrupt_entries} (batches
 * lost to corruption; their items are in the {@code corrupt} drops, unless a corrupt header hid
 * how many, which the log then says) and {@code tapio_exporter_queue_torn_entries} (appends cut
 * short by a crash and truncated on start: never acknowledged, so not drops).
 *
 * <p>Thread-safe: {@link #offer} may be called concurrently; {@link #start} and {@link #shutdown}
 * from the lifecycle thread. Ownership: {@code offer} takes {@code data} when it returns normally
 * (the in-memory queue keeps it; the persistent queue only reads it); when it throws, the caller
 * keeps it.
 */
public final class SendingQueue<T extends TelemetryData<?>> {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** Put in the queue at shutdown to wake consumers blocked in {@code take()}; never sent. */
  private static final Object WAKE = new Object();

  private final ComponentContext context;
  private final QueueSettings settings;
  private final Sender<T> sender;
  private final Signal signal;
  private final ComponentContext.Counter enqueueFailed;
  private final ComponentContext.Counter sent;
  private final ComponentContext.Counter sendFailed;
  /** Items the destination rejected in the send running on this thread; see {@link #rejected}. */
  private final ThreadLocal<long[]> rejectedInSend = ThreadLocal.withInitial(() -> new long[1]);
  private final ComponentContext.Counter corrupt;
  private final ComponentContext.Counter torn;
  private final ThrottledLog failures;
  private final List<Thread> consumers = new ArrayList<>();
  private ArrayBlockingQueue<Object> queue;
  private Semaphore slots;
  private PersistentLog disk;
  private OtlpEncoder encoder; // guarded by encoderLock
  private final Object encoderLock = new Object();
  /**
   * Why the disk log refuses writes (the reason reported with DEGRADED), or null while it takes
   * them. Written under encoderLock; read without it by offers that refuse early.
   */
  private volatile String storeFailure;
  /** While the disk is full: free bytes the failed write needed, for the early refusal; else 0. */
  private volatile long bytesWanted;
  /** Items of in-memory batches consumers are sending now: what a stuck consumer holds. */
  private final AtomicLong inFlightItems = new AtomicLong();
  private volatile boolean stopping;
  /** Set when consumers must stop at once and leave persistent entries unmarked. */
  private volatile boolean aborted;

  public SendingQueue(ComponentContext context, QueueSettings settings, Sender<T> sender) {
    this.context = context;
    this.settings = settings;
    this.sender = sender;
    this.signal = context.signal();
    String items = signal == null ? "items" : signal.itemName();
    this.enqueueFailed = context.counter("otelcol_exporter_enqueue_failed_" + items,
        "Items the sending queue refused because it was full.");
    // Registering these tells the engine that this exporter counts delivery itself: a batch is
    // sent when the destination accepted it, not when it entered the queue.
    this.sent = context.counter("otelcol_exporter_sent_" + items,
        "Items the exporter's destination accepted.");
    this.sendFailed = context.counter("otelcol_exporter_send_failed_" + items,
        "Items the exporter failed to send.");
    for (String reason : List.of("export_failed", "exporter_error", "shutdown", "corrupt")) {
      context.dropped(0, reason);
    }
    this.corrupt = context.counter("tapio_exporter_queue_corrupt_entries",
        "Batches the persistent queue lost to corrupt bytes on disk.");
    this.torn = context.counter("tapio_exporter_queue_torn_entries",
        "Appends cut short by a crash, truncated off the persistent queue on start; never"
            + " acknowledged, so not lost.");
    this.failures = new ThrottledLog(context.logger(), Duration.ofSeconds(10));
  }

  /**
   * Opens the disk log (when persistent), queues what it still holds, starts the consumers.
   * Throws when the storage extension is missing or the directory cannot be used.
   */
  public void start(Host host) throws IOException {
    if (!settings.enabled()) {
      return;
    }
    int capacity = settings.queueSize();
    List<PersistentLog.Entry> reloaded = List.of();
    if (settings.storage() != null) {
      if (signal == null) {
        throw new IllegalStateException("a persistent queue needs the component's signal");
      }
      Component ext = host.extension(settings.storage()).orElseThrow(() ->
          new IllegalStateException("sending_queue.storage of " + context.id() + " names "
              + settings.storage() + ", which is not a started extension: add it under "
              + "extensions and service.extensions"));
      Path dir = directoryFor(ext);
      disk = new PersistentLog(dir, fsync(ext), context.logger());
      reloaded = disk.open();
      countDamage();
      if (!reloaded.isEmpty()) {
        context.logger().log(Level.INFO, "persistent queue " + dir + ": resending "
            + reloaded.size() + " batches left from the previous run");
      }
      encoder = new OtlpEncoder();
      // Batches from the last run may outnumber queue_size if it was lowered; keep them all.
      capacity = Math.max(capacity, reloaded.size());
    }
    // Room for one WAKE per consumer beyond the batches, so shutdown never takes a producer's
    // place and its offers never fail.
    queue = new ArrayBlockingQueue<>(capacity + settings.numConsumers());
    queue.addAll(reloaded);
    slots = new Semaphore(settings.queueSize() - reloaded.size());
    int cap = capacity;
    context.gauge("otelcol_exporter_queue_size", "Batches in the sending queue.", queue::size);
    context.gauge("otelcol_exporter_queue_capacity", "Capacity of the sending queue, in batches.",
        () -> cap);
    for (int i = 0; i < settings.numConsumers(); i++) {
      consumers.add(Thread.ofPlatform().daemon()
          .name("tapio-queue-" + context.id() + "-" + i).start(this::consume));
    }
  }

  private void countDamage() {
    corrupt.add(disk.lostBatches());
    if (disk.lostRecords() > 0) {
      context.dropped(disk.lostRecords(), "corrupt");
    }
    torn.add(disk.tornEntries());
    if (disk.lostBatchesRecordsUnknown() > 0) {
      context.logger().log(Level.ERROR, "persistent queue " + disk.directory() + ": "
          + disk.lostBatchesRecordsUnknown() + " of the batches lost to corruption had"
          + " unreadable headers, so how many items they held is unknown and not in the"
          + " dropped counters");
    }
  }

  /**
   * Accepts a batch, or throws a retryable {@link ConsumerException} when the queue is full (and
   * does not block), stopped, or cannot store the batch on disk; then nothing is counted as
   * dropped, since the caller keeps the batch. Without a queue ({@code enabled: false}), sends on
   * this thread and throws what the sender throws.
   */
  public void offer(T data) {
    if (!settings.enabled()) {
      sendDirect(data);
      return;
    }
    if (stopping || queue == null) {
      throw ConsumerException.retryable("sending queue of " + context.id() + " is not running");
    }
    int items = data.itemCount();
    String failing = storeFailure;
    if (failing != null && disk.freeSpace() < bytesWanted) {
      // Still no room: refuse without encoding the batch or touching the disk.
      throw ConsumerException.retryable(failing);
    }
    if (!acquireSlot()) {
      enqueueFailed.add(items);
      throw ConsumerException.retryable("sending queue of " + context.id() + " is full ("
          + queue.size() + " batches)");
    }
    if (disk == null) {
      // In memory the batch holds heap until it is sent: it counts in the process-wide budget,
      // so receivers refuse sooner. It is never refused for it: the queue is on the data's way
      // out, bounded by queue_size, and must not wait for room only its sending frees.
      context.memory().reserve(data.estimatedBytes());
      queue.add(data);
      return;
    }
    queue.add(store(data, items));
  }

  /** Writes a batch to the disk log; on failure releases its slot and throws retryable. */
  private PersistentLog.Entry store(T data, int items) {
    // One writer at a time: the log is append-only and the encoder is reused. Throughput of
    // persistent offers is therefore bounded by fsync latency; group commit would lift that.
    synchronized (encoderLock) {
      int n = 0;
      try {
        n = encoder.encode(data);
        PersistentLog.Entry entry = disk.append(encoder.buffer(), n, items);
        if (storeFailure != null) {
          storeFailure = null;
          context.logger().log(Level.INFO, "persistent queue in " + disk.directory()
              + " stores batches again");
          context.reportStatus(ComponentStatus.OK, "persistent queue in " + disk.directory()
              + " stores batches again");
        }
        return entry;
      } catch (IOException e) {
        slots.release();
        String reason = storeFailed(e, n);
        throw ConsumerException.retryable(reason, e);
      } catch (IllegalArgumentException e) {
        slots.release(); // larger than an entry may be: offering it again cannot help
        throw ConsumerException.permanent("persistent queue of " + context.id() + ": "
            + e.getMessage(), e);
      } catch (RuntimeException e) {
        slots.release();
        throw ConsumerException.retryable("persistent queue of " + context.id()
            + " cannot store the batch: " + e, e);
      }
    }
  }

  /**
   * Records why a write failed and reports DEGRADED when the reason is new; returns it. A full
   * disk is told from other failures by the error or by the free space left, and remembered with
   * the bytes the batch needed, so offers refuse early until that much is free. encoderLock held.
   */
  private String storeFailed(IOException e, int bytes) {
    // The entry with its header, and a segment header in case it starts a segment.
    long needed = bytes + (long) LogFormat.ENTRY_HEADER + LogFormat.SEGMENT_HEADER;
    long free = disk.freeSpace();
    String message = String.valueOf(e.getMessage());
    boolean full = free < needed || message.contains("No space left")
        || message.contains("quota");
    String reason = "persistent queue in " + disk.directory() + ": "
        + (full ? "disk full (no space left on device: " + free + " bytes free)"
            : "cannot write (" + e + ")")
        + "; refusing new batches until they can be stored";
    boolean changed = storeFailure == null || full != (bytesWanted > 0);
    bytesWanted = full ? needed : 0;
    storeFailure = reason;
    if (changed) {
      context.logger().log(Level.WARNING, reason, full ? null : e);
      context.reportStatus(ComponentStatus.DEGRADED, reason);
    }
    return reason;
  }

  private boolean acquireSlot() {
    if (!settings.blockOnOverflow()) {
      return slots.tryAcquire();
    }
    try {
      while (!stopping) {
        if (slots.tryAcquire(POLL_NANOS, TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * Called by the {@link Sender}, on the thread running {@code send}, for items the destination
   * accepted the request with but rejected (OTLP partial success): they are counted as failed,
   * not sent. The sender counts them as dropped itself, with its reason.
   */
  public void rejected(long items) {
    if (items > 0) {
      rejectedInSend.get()[0] += items;
    }
  }

  /** Counts a batch the destination took: sent, less what it rejected during the send. */
  private void delivered(int items) {
    long[] box = rejectedInSend.get();
    long rejected = Math.min(box[0], items);
    box[0] = 0;
    sent.add(items - rejected);
    sendFailed.add(rejected);
  }

  private void sendDirect(T data) {
    try {
      rejectedInSend.get()[0] = 0;
      sender.send(data);
      delivered(data.itemCount());
    } catch (ConsumerException e) {
      throw e;
    } catch (Exception e) {
      throw ConsumerException.retryable("export by " + context.id() + " failed: " + e, e);
    }
  }

  /** Batches waiting (not counting those being sent). */
  public int size() {
    return queue == null ? 0 : queue.size();
  }

  private void consume() {
    OtlpDecoder decoder = new OtlpDecoder(PersistentLog.MAX_ENTRY, 64);
    byte[] buf = new byte[0];
    while (!aborted) {
      Object item;
      try {
        // Idle consumers block without a timer (an idle agent should not wake); shutdown wakes
        // them with WAKE, and from then on they only take what is left.
        item = stopping ? queue.poll() : queue.take();
      } catch (InterruptedException e) {
        if (aborted) {
          return;
        }
        continue;
      }
      if (item == null) {
        return; // stopping, and nothing left
      }
      if (item == WAKE) {
        // Offered after every real batch: what came before is taken. One per consumer, so
        // exiting here leaves the others theirs.
        return;
      }
      slots.release();
      if (item instanceof PersistentLog.Entry entry) {
        T data;
        try {
          if (buf.length < entry.length()) {
            buf = new byte[entry.length()];
          }
          disk.read(entry, buf);
          data = decode(decoder, buf, entry.length());
        } catch (IOException | OtlpFormatException e) {
          if (aborted) {
            return;
          }
          corrupt.add(1);
          context.dropped(entry.items(), "corrupt");
          context.logger().log(Level.ERROR, "persistent queue of " + context.id()
              + ": dropping unreadable batch " + entry.index() + " (" + entry.items()
              + " items)", e);
          markDone(entry);
          continue;
        } catch (Throwable t) {
          // Not the bytes (they passed their CRC): this thread, e.g. out of memory. Given up
          // like a failed send, so that the thread lives on for the batches after it.
          if (aborted) {
            return;
          }
          failed(entry.items(), t);
          markDone(entry);
          continue;
        }
        if (send(data)) {
          markDone(entry);
        }
      } else {
        @SuppressWarnings("unchecked")
        T data = (T) item;
        int items = data.itemCount();
        long bytes = data.estimatedBytes();
        inFlightItems.addAndGet(items);
        try {
          send(data);
        } finally {
          inFlightItems.addAndGet(-items);
          context.memory().release(bytes);
        }
      }
    }
  }

  /**
   * Returns false when aborted mid-send: a persistent entry then stays for the next start. Catches
   * every Throwable: an exporter's bug (a LinkageError from a plugin built against another API,
   * an OutOfMemoryError for one huge batch) costs that batch, not the consumer thread, which
   * would otherwise die and leave the queue to fill with no one sending.
   */
  private boolean send(T data) {
    int items = data.itemCount();
    try {
      rejectedInSend.get()[0] = 0;
      sender.send(data);
      delivered(items);
      return true;
    } catch (Throwable t) {
      if (aborted) {
        if (disk == null) {
          context.dropped(items, "shutdown");
        }
        return false;
      }
      failed(items, t);
      return true;
    }
  }

  /** Counts a batch given up on because {@code t} was thrown, and logs it, throttled. */
  private void failed(int items, Throwable t) {
    sendFailed.add(items);
    if (t instanceof Error) {
      context.dropped(items, "exporter_error");
      failures.log(Level.ERROR, "export by " + context.id() + " threw " + t + "; dropped "
          + items + " items, the queue carries on", t);
    } else {
      context.dropped(items, "export_failed");
      failures.log(Level.WARNING, "export by " + context.id() + " failed, dropping " + items
          + " items: " + t.getMessage(), null);
    }
  }

  private void markDone(PersistentLog.Entry entry) {
    if (aborted) {
      return;
    }
    try {
      disk.markDone(entry.index());
    } catch (IOException e) {
      // The entry stays uncommitted and is sent again after a restart: a duplicate, not a loss.
      context.logger().log(Level.WARNING, "persistent queue of " + context.id()
          + " cannot record batch " + entry.index() + " as sent", e);
    }
  }

  @SuppressWarnings("unchecked")
  private T decode(OtlpDecoder decoder, byte[] buf, int length) throws OtlpFormatException {
    return (T) switch (signal) {
      case LOGS -> {
        Logs l = new Logs();
        decoder.decodeLogs(buf, 0, length, l);
        yield l;
      }
      case METRICS -> {
        Metrics m = new Metrics();
        decoder.decodeMetrics(buf, 0, length, m);
        yield m;
      }
      case TRACES -> {
        Traces t = new Traces();
        decoder.decodeTraces(buf, 0, length, t);
        yield t;
      }
    };
  }

  /**
   * Stops accepting, lets the consumers drain the queue until {@code timeout}, then stops them.
   * In memory, batches still queued then are counted as dropped ({@code shutdown}); on disk they
   * stay for the next start.
   */
  public void shutdown(Duration timeout) throws IOException {
    stopping = true;
    if (queue != null) {
      for (int i = 0; i < consumers.size(); i++) {
        queue.offer(WAKE); // never fails: the queue has a place per consumer for it
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (Thread t : consumers) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Duration.ofNanos(left));
        }
      }
      aborted = true;
      for (Thread t : consumers) {
        if (t.isAlive()) {
          t.interrupt();
        }
      }
      for (Thread t : consumers) {
        t.join(Duration.ofSeconds(1));
      }
      countStuck();
    } catch (InterruptedException e) {
      aborted = true;
      Thread.currentThread().interrupt();
    }
    if (queue != null) {
      List<Object> left = new ArrayList<>();
      queue.drainTo(left);
      left.removeIf(o -> o == WAKE);
      if (disk == null) {
        long items = 0;
        for (Object o : left) {
          items += ((TelemetryData<?>) o).itemCount();
          context.memory().release(((TelemetryData<?>) o).estimatedBytes());
        }
        if (items > 0) {
          context.dropped(items, "shutdown");
        }
      } else if (!left.isEmpty()) {
        context.logger().log(Level.INFO, "persistent queue of " + context.id() + ": "
            + left.size() + " batches stay on disk for the next start");
      }
    }
    if (disk != null) {
      disk.close();
    }
  }

  /*
   * Consumers still alive after the interrupt are stuck in the sender. An in-memory batch they
   * hold is lost with the process: counted now (shutdown). Should the send complete after all,
   * it is counted as sent too — over-counting a loss, never hiding one. Batches on disk are not
   * marked done, so they are sent after the next start.
   */
  private void countStuck() {
    List<String> stuck = new ArrayList<>();
    for (Thread t : consumers) {
      if (t.isAlive()) {
        stuck.add(t.getName());
      }
    }
    if (stuck.isEmpty()) {
      return;
    }
    long items = disk == null ? inFlightItems.getAndSet(0) : 0;
    if (items > 0) {
      context.dropped(items, "shutdown");
    }
    context.logger().log(Level.WARNING, "exporter " + context.id() + " is stuck sending at the"
        + " shutdown deadline (" + String.join(", ", stuck) + "); abandoned "
        + (disk == null ? items + " items (counted as dropped, reason shutdown)"
            : "its batches on disk for the next start"));
  }

  /** Stops consumers and releases the disk log without marking anything: a crash, for tests. */
  void abandon() throws IOException {
    aborted = true;
    stopping = true;
    for (Thread t : consumers) {
      t.interrupt(); // out of take(): aborted, so they return without touching the disk
    }
    if (disk != null) {
      disk.close();
    }
  }

  // tapio-exporterhelper sits on the host classpath (distribution lib/), so the storage plugin
  // and every exporter see the same StorageExtension interface.
  private Path directoryFor(Component ext) throws IOException {
    if (ext instanceof StorageExtension s) {
      return s.directoryFor(context.id(), signal.id());
    }
    throw new IllegalStateException("sending_queue.storage of " + context.id() + " names "
        + settings.storage() + ", which is not a storage extension (" + ext.getClass().getName()
        + ")");
  }

  private static boolean fsync(Component ext) {
    return !(ext instanceof StorageExtension s) || s.fsync();
  }
}
