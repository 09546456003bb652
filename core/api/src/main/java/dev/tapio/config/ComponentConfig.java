package dev.tapio.config;

/**
 * A component's typed configuration, normally a record. {@link #validate(ConfigProblems)} checks
 * the relations between values that the reader cannot (ranges, one value against another).
 */
public interface ComponentConfig {

  /** Reports every problem with this configuration; reports nothing when it is valid. */
  default void validate(ConfigProblems problems) {}
}
