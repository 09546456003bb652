package dev.tapio.ottl;

/**
 * A statement or condition that failed on one record: a value of the wrong type for a field, a
 * body that is not JSON for {@code ParseJSON}. The processors decide by their {@code error_mode}
 * whether it stops the batch, is logged, or is ignored.
 */
public final class OttlRuntimeException extends RuntimeException {
  OttlRuntimeException(String message) {
    super(message, null, false, false);
  }
}
