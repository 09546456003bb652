package dev.tapio.plugin.otlp;

import dev.tapio.component.Signal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The consumer of each signal on one shared endpoint, as the receivers of the signals register
 * and release them, and what it means when a request finds none.
 *
 * <p>Receivers of the signals of one endpoint start and stop one after another around a server
 * that is already listening, so a signal's consumer is briefly absent while the process starts
 * or stops. A request then must be told to retry (503, {@code UNAVAILABLE}): a "not found" makes
 * a client drop the batch for good — the gateway restart soak lost the batches four exporter
 * consumers had in flight to a stopping backend that way. Only a signal never registered, on a
 * server listening for more than 5 s, is one that no pipeline takes: not found.
 *
 * <p>Thread-safe: request threads read without locks; the lifecycle thread writes.
 */
final class SignalSlots {
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final AtomicReferenceArray<ReceiverSlot> slots =
      new AtomicReferenceArray<>(Signal.values().length);
  private final AtomicIntegerArray registered = new AtomicIntegerArray(Signal.values().length);
  private final long createdNanos = System.nanoTime();

  ReceiverSlot get(Signal signal) {
    return slots.get(signal.ordinal());
  }

  void set(Signal signal, ReceiverSlot slot) {
    slots.set(signal.ordinal(), slot);
    if (slot != null) {
      registered.set(signal.ordinal(), 1);
    }
  }

  /** For a request that found no consumer: true when one is coming or going (retry). */
  boolean absentForNow(Signal signal) {
    return registered.get(signal.ordinal()) == 1
        || System.nanoTime() - createdNanos < SETTLE_NANOS;
  }

  /** What a client is told when {@code signal} has no consumer now. */
  static String absence(Signal signal, boolean forNow) {
    String name = signal.name().toLowerCase(java.util.Locale.ROOT);
    return forNow ? "no " + name + " pipeline is taking data on this endpoint right now (the"
        + " receiver is starting or stopping); retry" : "this receiver serves no " + name
        + " pipeline";
  }
}
