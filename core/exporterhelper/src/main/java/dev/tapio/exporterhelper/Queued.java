package dev.tapio.exporterhelper;

import dev.tapio.consumer.ConsumerException;
import java.util.concurrent.CountDownLatch;

/**
 * One offered batch in the sending queue: the data itself (in memory) or its place on disk
 * ({@link PersistentLog.Entry}), with what it counts for, and, under {@code wait_for_result}, the
 * caller waiting for its outcome.
 *
 * <p>Thread-safe: the fields are final; {@link #complete} may race {@link #await} and is idempotent
 * (the first outcome wins), so a shutdown can fail a waiter whose send later completes.
 */
final class Queued {
  /** A {@code TelemetryData} or a {@link PersistentLog.Entry}. */
  final Object payload;
  final int items;
  /** What the batch takes of {@code queue_size}, in the queue's sizer units. */
  final int units;
  /** Bytes of its OTLP request when the batch sizer is {@code bytes}, else 0. */
  final long encodedBytes;
  /** Heap reserved from the memory budget for the in-memory data, returned after the send. */
  final long heapBytes;
  private final CountDownLatch done;
  private volatile RuntimeException failure;

  Queued(Object payload, int items, int units, long encodedBytes, long heapBytes, boolean waits) {
    this.payload = payload;
    this.items = items;
    this.units = units;
    this.encodedBytes = encodedBytes;
    this.heapBytes = heapBytes;
    this.done = waits ? new CountDownLatch(1) : null;
  }

  /** Whether a caller waits for the outcome and takes a failure back. */
  boolean waits() {
    return done != null;
  }

  /** Records the outcome, null for sent; only the first call counts. */
  void complete(RuntimeException failed) {
    if (done != null && done.getCount() > 0) {
      synchronized (this) {
        if (done.getCount() > 0) {
          failure = failed;
          done.countDown();
        }
      }
    }
  }

  /** Waits for the outcome; throws the failure. Called by the offering thread. */
  void await() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConsumerException.retryable("interrupted while waiting for the export result; the"
          + " batch stays queued", e);
    }
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }
}
