package dev.tapio.plugin.otlp;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.otlp.OtlpFormatException;
import dev.tapio.otlp.OtlpRequestDecoder;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one signal's receiver registered with a shared server ({@link OtlpHttpServer},
 * {@link OtlpGrpcServer}): where its data goes, what it counts, and the part of a request both
 * protocols share: decode, estimate, hand on, and say what to answer.
 *
 * <p>Counters: {@code tapio_otlp_receiver_malformed_requests{reason=malformed|too_large|
 * unsupported_media_type}} for bodies refused as they are, and
 * {@code tapio_otlp_receiver_refused_requests{reason=memory_budget|out_of_memory|internal_error}}
 * for requests answered "retry later" (503, {@code UNAVAILABLE}) before the pipeline saw them,
 * which the engine's {@code otelcol_receiver_refused_*} cannot count.
 *
 * <p>Thread-safe: request threads call it concurrently.
 */
final class ReceiverSlot {
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  // Answers made in advance: when they are needed, the heap may have no room to make them.
  private static final String OUT_OF_MEMORY = "out of memory while receiving; retry later";
  private static final String INTERNAL_ERROR = "internal error; retry later";

  /** What became of a request, and so what to answer. */
  enum Result { ACCEPTED, MALFORMED, RETRYABLE, PERMANENT }

  record Outcome(Result result, String message) {
    static final Outcome ACCEPTED = new Outcome(Result.ACCEPTED, "");
  }

  private final Signal signal;
  private final Object consumer;
  private final ComponentContext context;
  private final String where;
  final ComponentContext.Counter malformed;
  final ComponentContext.Counter tooLarge;
  final ComponentContext.Counter unsupported;
  private final ComponentContext.Counter refusedMemory;
  private final ComponentContext.Counter outOfMemory;
  private final ComponentContext.Counter internalError;
  private final ComponentContext.Counter droppedAttributes;
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final AtomicLong unlogged = new AtomicLong();

  /**
   * {@code consumer} is a Logs/Metrics/TracesConsumer of {@code signal}; {@code where} names the
   * server in log messages ({@code http localhost:4318}).
   */
  ReceiverSlot(Signal signal, Object consumer, ComponentContext context, String where) {
    this.signal = signal;
    this.consumer = consumer;
    this.context = context;
    this.where = where;
    String name = "tapio_otlp_receiver_malformed_requests";
    String help = "Requests refused for their body (malformed, too large, unsupported type)";
    this.malformed = context.counter(name, help, "reason", "malformed");
    this.tooLarge = context.counter(name, help, "reason", "too_large");
    this.unsupported = context.counter(name, help, "reason", "unsupported_media_type");
    name = "tapio_otlp_receiver_refused_requests";
    help = "Requests answered 503 / UNAVAILABLE (retry later) before reaching the pipeline";
    this.refusedMemory = context.counter(name, help, "reason", "memory_budget");
    this.outOfMemory = context.counter(name, help, "reason", "out_of_memory");
    this.internalError = context.counter(name, help, "reason", "internal_error");
    this.droppedAttributes = context.counter("tapio_otlp_receiver_dropped_attributes",
        "Attributes not kept for max_attributes_per_record (counted in dropped_attributes_count)");
  }

  ComponentContext context() {
    return context;
  }

  MemoryBudget memory() {
    return context.memory();
  }

  /** The IP of {@code peer} as text, or null when it is not an IP socket's address. */
  static String clientOf(java.net.SocketAddress peer) {
    return peer instanceof java.net.InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : null;
  }

  /**
   * Decodes {@code body}, sets the data's estimate from the body's size and its client address
   * ({@code client}: the peer's IP, or null) and hands it to the consumer; says what to answer. Decoding, consuming and the error they raise are what the
   * caller's {@code catch (Throwable)} is for: nothing else is caught here.
   */
  Outcome deliver(OtlpRequestDecoder decoder, byte[] body, RequestMemory memory,
      String client) {
    TelemetryData<?> data;
    try {
      data = decoder.decode(signal, body, droppedAttributes);
    } catch (OtlpFormatException e) {
      malformed.add(1);
      return new Outcome(Result.MALFORMED, e.getMessage());
    }
    data.setEstimatedBytes(memory.decodedBytes(body.length));
    data.setClientAddress(client);
    // Handed over: the pipeline charges this same estimate while the data is queued. Held on
    // across consume, the budget would count the data twice, and requests waiting in consume
    // for the pipeline's charge would hold the very budget they wait for (in a flood of 3.4 MB
    // requests, 3 of 509 were accepted in 20 s, the rest refused).
    memory.release();
    try {
      switch (signal) {
        case LOGS -> ((LogsConsumer) consumer).consumeLogs((Logs) data);
        case METRICS -> ((MetricsConsumer) consumer).consumeMetrics((Metrics) data);
        case TRACES -> ((TracesConsumer) consumer).consumeTraces((Traces) data);
      }
    } catch (ConsumerException e) {
      return e.retryable()
          ? new Outcome(Result.RETRYABLE, "the pipeline is refusing data for now, retry: "
              + e.getMessage())
          : new Outcome(Result.PERMANENT, "the pipeline refused the data: " + e.getMessage());
    }
    return Outcome.ACCEPTED;
  }

  /** Counts a request refused for want of memory budget; the message for the client. */
  String refusedForMemory(MemoryBudget budget) {
    refusedMemory.add(1);
    return "memory budget spent: " + budget.reservedBytes() + " of " + budget.limitBytes()
        + " bytes of telemetry are held (service.memory_budget); retry later";
  }

  /**
   * Counts and logs (at most every 10 s, naming the receiver) a request that failed with
   * {@code t}, which is answered "retry later": the client keeps its data, and this thread lives
   * on. Never throws: after an {@link OutOfMemoryError} the heap may still be short, so what
   * needs memory (the counter's first use, the log line) is tried and given up quietly.
   */
  String failed(Throwable t) {
    boolean oom = t instanceof OutOfMemoryError;
    try {
      (oom ? outOfMemory : internalError).add(1);
    } catch (Throwable ignored) {
      // Uncounted rather than unanswered.
    }
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last < LOG_INTERVAL_NANOS || !lastLogNanos.compareAndSet(last, now)) {
      unlogged.incrementAndGet();
    } else {
      try {
        long more = unlogged.getAndSet(0);
        context.logger().log(Level.ERROR, "receiver " + context.id() + " (" + where
            + ") failed on a request and answered \"retry later\""
            + (more > 0 ? " (" + more + " more since the last message)" : ""), t);
      } catch (Throwable ignored) {
        // Logging needs memory too; the counter has it.
      }
    }
    if (oom) {
      return OUT_OF_MEMORY;
    }
    try {
      return "internal error (" + t.getClass().getName() + "); retry later";
    } catch (Throwable e) {
      return INTERNAL_ERROR;
    }
  }

}
