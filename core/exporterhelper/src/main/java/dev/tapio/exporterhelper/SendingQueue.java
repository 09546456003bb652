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
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>Handoff is a blocking queue of {@link Queued} batches plus a {@link Semaphore} of {@code
 * queue_size} permits for admission, each batch taking as many as its {@code sizer} counts
 * (requests: 1; items; bytes of its OTLP request): items are whole batches (hundreds to
 * thousands of records), so a lock per batch costs nothing measurable, and consumers and blocked
 * producers need to park, which JCTools queues leave to the caller. The semaphore lets a
 * persistent offer reserve its place before writing to disk, so a write is never followed by a
 * refusal. A batch larger than the whole queue is refused, permanently.
 *
 * <p>With {@code batch} ({@link BatchSettings}), one consumer at a time assembles a batch from
 * the queue ({@link QueueConsumer}) and sends it, split at {@code max_size}, while the next one
 * assembles the following batch. With {@code wait_for_result}, {@code offer} waits for the
 * outcome (see {@link QueueSettings}); a failure is then thrown to the caller, who keeps the
 * batch intact (the queue merges copies of such batches), and is not counted here as dropped.
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
  static final Object WAKE = new Object();

  final ComponentContext context;
  final QueueSettings settings;
  private final Sender<T> sender;
  final Signal signal;
  private final ComponentContext.Counter enqueueFailed;
  private final ComponentContext.Counter sent;
  private final ComponentContext.Counter sendFailed;
  /** Items the destination rejected in the send running on this thread; see {@link #rejected}. */
  private final ThreadLocal<long[]> rejectedInSend = ThreadLocal.withInitial(() -> new long[1]);
  private final ComponentContext.Counter corrupt;
  private final ComponentContext.Counter torn;
  private final ThrottledLog failures;
  private final List<Thread> consumers = new ArrayList<>();
  /** Queued batches, and one WAKE per consumer at shutdown. */
  BlockingQueue<Object> queue;
  private Semaphore slots;
  /** Held by the consumer assembling a batch, with {@code batch}: one assembles at a time. */
  final ReentrantLock assembling = new ReentrantLock();
  /** Encoders for the size pass of the {@code bytes} sizer, one per offering thread. */
  private final ThreadLocal<OtlpEncoder> sizers = ThreadLocal.withInitial(OtlpEncoder::new);
  /** Batches being sent whose callers wait: failed at shutdown if their send is stuck. */
  final Set<Queued> waitingInFlight = ConcurrentHashMap.newKeySet();
  PersistentLog disk;
  private OtlpEncoder encoder; // guarded by encoderLock
  private final Object encoderLock = new Object();
  /**
   * Why the disk log refuses writes (the reason reported with DEGRADED), or null while it takes
   * them. Written under encoderLock; read without it by offers that refuse early.
   */
  private volatile String storeFailure;
  /** While the disk is full: free bytes the failed write needed, for the early refusal; else 0. */
  private volatile long bytesWanted;
  /**
   * Items of in-memory batches consumers are sending now whose callers do not wait: what a stuck
   * consumer holds.
   */
  final AtomicLong inFlightItems = new AtomicLong();
  volatile boolean stopping;
  /** Set when consumers must stop at once and leave persistent entries unmarked. */
  volatile boolean aborted;

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
    // place and its offers never fail. Other sizers than requests bound the queue by the
    // semaphore alone.
    queue = settings.sizer() == QueueSizer.REQUESTS
        ? new ArrayBlockingQueue<>(capacity + settings.numConsumers())
        : new LinkedBlockingQueue<>();
    long reloadedUnits = 0;
    for (PersistentLog.Entry e : reloaded) {
      int units = units(e.items(), e.length());
      reloadedUnits += units;
      queue.add(new Queued(e, e.items(), units, e.length(), 0, false));
    }
    // Negative when the last run left more than queue_size: offers wait until that is sent.
    slots = new Semaphore((int) Math.max(Integer.MIN_VALUE, settings.queueSize() - reloadedUnits));
    String unit = settings.sizer().name().toLowerCase(java.util.Locale.ROOT);
    context.gauge("otelcol_exporter_queue_size", "Size of the sending queue, in " + unit + ".",
        () -> settings.queueSize() - slots.availablePermits());
    context.gauge("otelcol_exporter_queue_capacity", "Capacity of the sending queue, in " + unit
        + ".", settings::queueSize);
    for (int i = 0; i < settings.numConsumers(); i++) {
      consumers.add(Thread.ofPlatform().daemon().name("tapio-queue-" + context.id() + "-" + i)
          .start(new QueueConsumer<>(this)));
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
    BatchSettings batch = settings.batch();
    boolean sizeBytes = settings.sizer() == QueueSizer.BYTES
        || batch != null && batch.sizer() == QueueSizer.BYTES;
    int encoded = sizeBytes ? sizers.get().size(data) : 0;
    int units = units(items, encoded);
    if (units > settings.queueSize()) {
      enqueueFailed.add(items);
      throw ConsumerException.permanent("a batch of " + units + " "
          + settings.sizer().name().toLowerCase(java.util.Locale.ROOT) + " does not fit in the"
          + " sending queue of " + context.id() + " (queue_size " + settings.queueSize() + ")");
    }
    if (!acquireSlot(units)) {
      enqueueFailed.add(items);
      throw ConsumerException.retryable("sending queue of " + context.id() + " is full ("
          + queue.size() + " batches)");
    }
    Queued queued;
    if (disk == null) {
      // In memory the batch holds heap until it is sent: it counts in the process-wide budget,
      // so receivers refuse sooner. It is never refused for it: the queue is on the data's way
      // out, bounded by queue_size, and must not wait for room only its sending frees.
      long heap = data.estimatedBytes();
      context.memory().reserve(heap);
      queued = new Queued(data, items, units, encoded, heap, settings.waitForResult());
    } else {
      PersistentLog.Entry entry = store(data, items, units);
      queued = new Queued(entry, items, units, entry.length(), 0, settings.waitForResult());
    }
    queue.add(queued);
    if (queued.waits()) {
      queued.await();
    }
  }

  /** What a batch takes of the queue, in the queue's sizer units. */
  private int units(int items, int encodedBytes) {
    return switch (settings.sizer()) {
      case REQUESTS -> 1;
      case ITEMS -> items;
      case BYTES -> encodedBytes;
    };
  }

  /** Takes a queued batch out: its units return to the queue. Consumers only. */
  Queued taken(Object item) {
    Queued q = (Queued) item;
    slots.release(q.units);
    return q;
  }

  /** Writes a batch to the disk log; on failure releases its units and throws retryable. */
  private PersistentLog.Entry store(T data, int items, int units) {
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
        slots.release(units);
        String reason = storeFailed(e, n);
        throw ConsumerException.retryable(reason, e);
      } catch (IllegalArgumentException e) {
        slots.release(units); // larger than an entry may be: offering it again cannot help
        throw ConsumerException.permanent("persistent queue of " + context.id() + ": "
            + e.getMessage(), e);
      } catch (RuntimeException e) {
        slots.release(units);
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

  private boolean acquireSlot(int units) {
    if (!settings.blockOnOverflow()) {
      return slots.tryAcquire(units);
    }
    try {
      while (!stopping) {
        if (slots.tryAcquire(units, POLL_NANOS, TimeUnit.NANOSECONDS)) {
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

  /**
   * Sends one batch on a consumer thread; returns null when the destination took it (counted as
   * sent), else what was thrown, uncounted. Catches every Throwable: an exporter's bug (a
   * LinkageError from a plugin built against another API, an OutOfMemoryError for one huge
   * batch) costs that batch, not the consumer thread, which would otherwise die and leave the
   * queue to fill with no one sending.
   */
  Throwable sendBatch(T data) {
    try {
      rejectedInSend.get()[0] = 0;
      sender.send(data);
      delivered(data.itemCount());
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /** Counts an entry on disk that cannot be read back, and marks it done. */
  void corruptEntry(PersistentLog.Entry entry, Exception e) {
    corrupt.add(1);
    context.dropped(entry.items(), "corrupt");
    context.logger().log(Level.ERROR, "persistent queue of " + context.id()
        + ": dropping unreadable batch " + entry.index() + " (" + entry.items() + " items)", e);
    markDone(entry);
  }

  /** What a waiting caller is told when its batch could not be sent. */
  RuntimeException failureFor(Throwable t) {
    return t instanceof ConsumerException ce ? ce
        : ConsumerException.permanent("export by " + context.id() + " failed: " + t, t);
  }

  /** Counts a batch given up on because {@code t} was thrown, and logs it, throttled. */
  void failed(int items, Throwable t) {
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

  void markDone(PersistentLog.Entry entry) {
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
  T decode(OtlpDecoder decoder, byte[] buf, int length) throws OtlpFormatException {
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
      long items = 0;
      for (Object o : left) {
        Queued q = (Queued) o;
        if (disk != null) {
          q.complete(null); // stored: sent after the next start, at least once
        } else if (q.waits()) {
          q.complete(ConsumerException.retryable("exporter " + context.id()
              + " shut down before sending the batch"));
        } else {
          items += q.items;
        }
        context.memory().release(q.heapBytes);
      }
      if (items > 0) {
        context.dropped(items, "shutdown");
      }
      if (disk != null && !left.isEmpty()) {
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
    for (Queued q : waitingInFlight) {
      q.complete(disk != null ? null : ConsumerException.retryable("exporter " + context.id()
          + " was stuck sending the batch at shutdown"));
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
