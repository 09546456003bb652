package dev.tapio.plugin.filestorage;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;

/**
 * The {@code file_storage} extension's configuration.
 *
 * @param directory required; where each component gets its own subdirectory
 * @param fsync force every write to disk before acknowledging it (survives power loss, not only
 *     kill -9)
 */
public record FileStorageConfig(String directory, boolean fsync) implements ComponentConfig {
  static final FileStorageConfig DEFAULT = new FileStorageConfig("", true);

  @Override
  public void validate(ConfigProblems problems) {
    if (directory == null || directory.isBlank()) {
      problems.error("directory", "is required: the directory to keep persistent queues in");
    }
  }
}
