package dev.tapio.consumer;

import dev.tapio.pdata.TelemetryData;

/**
 * Implemented by a processor that may refuse data on the receiver's side of the pipeline queue,
 * as {@code memory_limiter} does. The engine calls {@link #admit} on the receiver's thread before
 * the data enters the queue, for every processor of the pipeline that implements it, so a refusal
 * reaches the receiver's client (HTTP 503, gRPC UNAVAILABLE) while the client still has the data,
 * as in the Collector, whose processors run on the receiver's call.
 */
public interface Admission {

  /**
   * Returns when {@code data} may enter; throws a retryable {@link ConsumerException} to refuse
   * it. Called concurrently by any number of receiver threads: thread-safe and cheap (a volatile
   * read), and {@code data} is only looked at, never kept.
   */
  void admit(TelemetryData<?> data);
}
