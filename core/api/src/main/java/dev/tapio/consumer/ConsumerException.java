package dev.tapio.consumer;

/**
 * Thrown by a consume method when the data was not accepted. A retryable refusal (queue full,
 * memory limit, a backend briefly down) means the same data may be offered again later; a
 * permanent one means it never will be accepted. Either way the callee has not retained the data,
 * so the caller may resubmit it.
 */
public final class ConsumerException extends RuntimeException {

  private final boolean retryable;

  private ConsumerException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  public static ConsumerException retryable(String message) {
    return new ConsumerException(message, null, true);
  }

  public static ConsumerException retryable(String message, Throwable cause) {
    return new ConsumerException(message, cause, true);
  }

  public static ConsumerException permanent(String message) {
    return new ConsumerException(message, null, false);
  }

  public static ConsumerException permanent(String message, Throwable cause) {
    return new ConsumerException(message, cause, false);
  }

  public boolean retryable() {
    return retryable;
  }
}
