package dev.tapio.exporterhelper;

import dev.tapio.otlp.OtlpDecoder;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.otlp.OtlpFormatException;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One consumer thread of a {@link SendingQueue}: takes the next batch (and, with {@code batch},
 * those that join it until {@code min_size} or {@code flush_timeout}), merges them, splits what
 * exceeds {@code max_size}, sends, and settles each batch taken: counted, marked done on disk,
 * its heap returned, its waiting caller told.
 *
 * <p>Accounting of a merged batch: items of pieces that failed are first those of batches whose
 * callers wait (they are told, and the caller counts them), the rest are counted as dropped
 * here. A waiting caller is told of a failure when any piece of its merged batch failed, so the
 * items of pieces that were sent may be offered again: at least once, never lost.
 *
 * <p>Not thread-safe: each instance is run by its own thread; assembling is serialised by
 * {@link SendingQueue#assembling}.
 */
final class QueueConsumer<T extends TelemetryData<?>> implements Runnable {
  private final SendingQueue<T> owner;
  private final BatchSettings batch;
  private final OtlpDecoder decoder = new OtlpDecoder(PersistentLog.MAX_ENTRY, 64);
  private byte[] buf = new byte[0];
  private OtlpEncoder sizer; // for max_size in bytes, created on first use
  private final List<Queued> parts = new ArrayList<>();
  private final List<PersistentLog.Entry> entries = new ArrayList<>();
  // The outcome of the batch being sent.
  private int failedItems;
  private Throwable failure;
  private boolean abortedMidSend;

  QueueConsumer(SendingQueue<T> owner) {
    this.owner = owner;
    this.batch = owner.settings.batch();
  }

  @Override
  public void run() {
    while (!owner.aborted) {
      parts.clear();
      boolean last;
      try {
        last = collect();
      } catch (InterruptedException e) {
        last = owner.aborted; // interrupted only to abort; what was taken is settled below
      }
      if (!parts.isEmpty()) {
        deliver();
      }
      if (last) {
        return;
      }
    }
  }

  /**
   * Fills {@link #parts}; returns true when this consumer is to exit afterwards (it took a
   * WAKE, or the queue is stopping and empty).
   */
  private boolean collect() throws InterruptedException {
    if (batch == null) {
      // Idle consumers block without a timer (an idle agent should not wake); shutdown wakes
      // them with WAKE, and from then on they only take what is left.
      Object item = owner.stopping ? owner.queue.poll() : owner.queue.take();
      if (item == null || item == SendingQueue.WAKE) {
        return true;
      }
      parts.add(owner.taken(item));
      return false;
    }
    owner.assembling.lockInterruptibly();
    try {
      Object item = owner.stopping ? owner.queue.poll() : owner.queue.take();
      if (item == null || item == SendingQueue.WAKE) {
        return true;
      }
      Queued q = owner.taken(item);
      parts.add(q);
      long size = batchUnits(q);
      long deadline = System.nanoTime() + batch.flushTimeout().toNanos();
      while (size < batch.minSize()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Object next = owner.stopping ? owner.queue.poll()
            : owner.queue.poll(left, TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
        if (next == SendingQueue.WAKE) {
          return true; // this consumer's WAKE: send what it holds, then exit
        }
        q = owner.taken(next);
        parts.add(q);
        size += batchUnits(q);
      }
      return false;
    } finally {
      owner.assembling.unlock();
    }
  }

  private long batchUnits(Queued q) {
    return batch.sizer() == QueueSizer.BYTES ? q.encodedBytes : q.items;
  }

  private void deliver() {
    entries.clear();
    failedItems = 0;
    failure = null;
    abortedMidSend = false;
    long heap = 0;
    int waitingItems = 0;
    int ownInMemory = 0;
    T merged = null;
    for (Queued q : parts) {
      heap += q.heapBytes;
      T data = materialize(q);
      if (data == null) {
        continue; // unreadable on disk: counted, settled
      }
      if (q.waits()) {
        waitingItems += q.items;
        owner.waitingInFlight.add(q);
      } else if (!(q.payload instanceof PersistentLog.Entry)) {
        ownInMemory += q.items;
      }
      merged = batch == null ? data : merge(merged, data, q);
    }
    owner.inFlightItems.addAndGet(ownInMemory);
    try {
      if (merged != null) {
        if (owner.aborted) {
          abortedMidSend = true;
        } else if (batch == null || batch.maxSize() == 0) {
          send(merged);
        } else {
          sendSplit(merged);
        }
      }
    } finally {
      owner.inFlightItems.addAndGet(-ownInMemory);
      settle(waitingItems, ownInMemory);
      owner.context.memory().release(heap);
    }
  }

  /** The batch's data, decoded from disk if stored there; null when unreadable. */
  private T materialize(Queued q) {
    if (!(q.payload instanceof PersistentLog.Entry entry)) {
      @SuppressWarnings("unchecked")
      T data = (T) q.payload;
      return data;
    }
    entries.add(entry);
    try {
      if (buf.length < entry.length()) {
        buf = new byte[entry.length()];
      }
      owner.disk.read(entry, buf);
      return owner.decode(decoder, buf, entry.length());
    } catch (IOException | OtlpFormatException e) {
      entries.remove(entries.size() - 1);
      if (!owner.aborted) {
        owner.corruptEntry(entry, e);
        q.complete(owner.failureFor(e));
      }
      return null;
    } catch (Throwable t) {
      // Not the bytes (they passed their CRC): this thread, e.g. out of memory. Given up like a
      // failed send, so that the thread lives on for the batches after it.
      entries.remove(entries.size() - 1);
      if (!owner.aborted) {
        if (!q.waits()) {
          owner.failed(entry.items(), t); // else the caller is told, and counts it
        }
        owner.markDone(entry);
        q.complete(owner.failureFor(t));
      }
      return null;
    }
  }

  /**
   * Moves {@code data} into {@code into} (or makes it the batch). A batch whose caller waits is
   * copied, so the caller still holds it intact when told of a failure; so is a read-only one,
   * shared with other consumers.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private T merge(T into, T data, Queued q) {
    boolean keep = q.waits() || data.isReadOnly();
    if (into == null && !keep) {
      return data;
    }
    if (into == null) {
      into = empty(data);
    }
    ((TelemetryData) (keep ? copy(data) : data)).moveTo((TelemetryData) into);
    return into;
  }

  /** Sends {@code data} in pieces of at most {@code max_size}, in order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void sendSplit(T data) {
    long max = batch.maxSize();
    while (!abortedMidSend) {
      long size = sizeOf(data);
      int items = data.itemCount();
      if (size <= max || items <= 1) {
        send(data);
        return;
      }
      // Items in proportion to the limit; a piece that still exceeds it is split again.
      int n = batch.sizer() == QueueSizer.ITEMS ? (int) Math.min(max, Integer.MAX_VALUE)
          : (int) Math.max(1, items * max / size);
      T piece = empty(data);
      ((TelemetryData) data).moveItemsUpTo(n, (TelemetryData) piece);
      if (batch.sizer() == QueueSizer.BYTES && piece.itemCount() > 1 && sizeOf(piece) > max) {
        sendSplit(piece);
      } else {
        send(piece);
      }
    }
  }

  private long sizeOf(T data) {
    if (batch.sizer() == QueueSizer.ITEMS) {
      return data.itemCount();
    }
    if (sizer == null) {
      sizer = new OtlpEncoder();
    }
    return sizer.size(data);
  }

  private void send(T data) {
    if (abortedMidSend) {
      failedItems += data.itemCount();
      return;
    }
    Throwable t = owner.sendBatch(data);
    if (t != null) {
      if (owner.aborted) {
        abortedMidSend = true;
      } else if (failure == null) {
        failure = t;
      }
      failedItems += data.itemCount();
    }
  }

  /** Counts and tells the outcome of every batch taken, once all pieces were sent. */
  private void settle(int waitingItems, int ownInMemory) {
    if (abortedMidSend) {
      // Stopping at the deadline: what is on disk stays for the next start; in memory, what a
      // caller waits for is handed back, the rest counted as lost with the process.
      int lost = Math.max(0, Math.min(failedItems, ownInMemory));
      if (lost > 0) {
        owner.context.dropped(lost, "shutdown");
      }
      for (Queued q : parts) {
        q.complete(q.payload instanceof PersistentLog.Entry ? null
            : dev.tapio.consumer.ConsumerException.retryable("exporter " + owner.context.id()
                + " shut down while sending the batch"));
        owner.waitingInFlight.remove(q);
      }
      return;
    }
    int own = failedItems - Math.min(failedItems, waitingItems);
    if (own > 0) {
      owner.failed(own, failure);
    }
    RuntimeException told = failedItems > 0 && failure != null ? owner.failureFor(failure) : null;
    for (Queued q : parts) {
      q.complete(told);
      owner.waitingInFlight.remove(q);
    }
    for (PersistentLog.Entry e : entries) {
      owner.markDone(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends TelemetryData<?>> T empty(T like) {
    return (T) switch (like) {
      case Logs l -> new Logs();
      case Metrics m -> new Metrics();
      case Traces t -> new Traces();
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends TelemetryData<?>> T copy(T data) {
    return (T) switch (data) {
      case Logs l -> l.copy();
      case Metrics m -> m.copy();
      case Traces t -> t.copy();
    };
  }
}
