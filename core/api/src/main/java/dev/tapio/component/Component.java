package dev.tapio.component;

/**
 * Lifecycle shared by every component. The engine calls {@link #start(Host)} once, before any
 * data reaches the component, and {@link #shutdown()} once, after the upstream components have
 * stopped and the queues in front of it have drained. Start order is exporters, processors,
 * receivers; shutdown is the reverse. Both are called from the engine's lifecycle thread.
 */
public interface Component {

  /**
   * Acquires resources (threads, sockets, kernel programs). Throwing fails the whole start: the
   * engine shuts down what it already started and exits with the message of the exception, so
   * that message must say what failed and what to check.
   */
  default void start(Host host) throws Exception {}

  /**
   * Releases everything {@link #start(Host)} acquired and flushes data the component still
   * holds. Must be safe to call when start failed part way or was never called.
   */
  default void shutdown() throws Exception {}
}
