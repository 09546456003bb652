package dev.tapio.plugin.resourcedetection;

/** A detector could not detect what it must; the message says what and what to check. */
final class DetectionException extends Exception {
  private static final long serialVersionUID = 1L;

  DetectionException(String message) {
    super(message);
  }

  DetectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
