package dev.tapio.config;

/**
 * Where a component reports what is wrong with its configuration, and what is risky about it.
 * The engine turns the key into the file, line and column of that value and reports every
 * problem at once: errors stop the load, warnings do not.
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

  /**
   * Records a problem at a character of the string value at {@code key}, such as a syntax error
   * inside an expression: {@code offset} counts the characters of the value as the component
   * read it. The engine reports the file line and column of that character when it can tell
   * them from the value as written, else the value's own position. The default reports at the
   * value.
   */
  default void error(String key, int offset, String message) {
    error(key, message);
  }

  /**
   * Records a risk in the value at {@code key} that leaves the configuration valid, such as a
   * listener on every network interface: the configuration loads, and {@code tapio validate}
   * prints the warning, {@code tapio run} logs it at start, each with the file, line and column
   * of the value. Same key and message conventions as {@link #error}; the message also says
   * what to write instead. Use it for what is legitimate in some deployments and a mistake in
   * most; what is never right is an error.
   *
   * <p>The default discards the warning, so that a collector of errors alone (a test's lambda)
   * stays a lambda; the engine's implementations keep it.
   */
  default void warning(String key, String message) {}
}
