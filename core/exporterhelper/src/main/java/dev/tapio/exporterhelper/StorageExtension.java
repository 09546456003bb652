package dev.tapio.exporterhelper;

import dev.tapio.component.ComponentId;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An extension that gives components a directory of their own to persist state in, such as
 * {@code file_storage}. Thread-safe.
 */
public interface StorageExtension {

  /**
   * The directory reserved for {@code owner}'s data of {@code signal} ({@code logs}, {@code
   * metrics}, {@code traces}), created if absent. The same arguments give the same directory
   * across restarts; different arguments never share one.
   */
  Path directoryFor(ComponentId owner, String signal) throws IOException;

  /**
   * Whether writes must reach the disk ({@code fsync}) before they are acknowledged. Without it
   * data still survives a killed process (it is in the page cache) but not a power loss.
   */
  default boolean fsync() {
    return true;
  }
}
