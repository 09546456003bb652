package dev.tapio.engine.graph;

/** A component could not be created or started; the message names it and says why. */
public final class GraphException extends RuntimeException {
  GraphException(String message, Throwable cause) {
    super(message, cause);
  }
}
