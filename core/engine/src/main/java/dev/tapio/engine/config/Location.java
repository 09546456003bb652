package dev.tapio.engine.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where a configuration value was written: the source's name (a file path, or {@code
 * classpath:name}) and the 1-based line and column. A line of 0 means the source as a whole, for
 * problems that have no node (an unreadable file). Immutable.
 */
public record Location(String source, int line, int column) implements Comparable<Location> {

  private static final Comparator<Location> ORDER =
      Comparator.comparing(Location::source)
          .thenComparingInt(Location::line)
          .thenComparingInt(Location::column);

  public Location {
    Objects.requireNonNull(source, "source");
  }

  /** The whole source, without a position. */
  public static Location of(String source) {
    return new Location(source, 0, 0);
  }

  @Override
  public int compareTo(Location other) {
    return ORDER.compare(this, other);
  }

  /** {@code source:line:column}, the form editors and terminals turn into a link. */
  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ":" + column : source;
  }
}
