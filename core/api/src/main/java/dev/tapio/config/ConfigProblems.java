package dev.tapio.config;

/**
 * Where a component reports what is wrong with its configuration. The engine turns the key into
 * the file, line and column of that value and reports every problem at once.
 *
 * <p>Not thread-safe: used by one thread while the configuration is read and validated.
 */
public interface ConfigProblems {

  /**
   * Records a problem with the value at {@code key}, a dotted path relative to this component's
   * section ({@code "timeout"}, {@code "retry.max_elapsed"}); {@code ""} means the section itself.
   * The message says what is wrong and what is valid, without repeating the key.
   */
  void error(String key, String message);
}
