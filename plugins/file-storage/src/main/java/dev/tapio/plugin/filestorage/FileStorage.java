package dev.tapio.plugin.filestorage;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.exporterhelper.StorageExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands each component a subdirectory {@code <type>_<name>_<signal>} of the configured
 * directory. Thread-safe; holds no open files itself (the queues lock their own directories).
 */
final class FileStorage implements Component, StorageExtension {
  private final ComponentContext context;
  private final FileStorageConfig config;
  private final Path root;

  FileStorage(ComponentContext context, FileStorageConfig config) {
    this.context = context;
    this.config = config;
    this.root = Path.of(config.directory());
  }

  @Override
  public void start(Host host) throws IOException {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new IOException("file_storage " + context.id() + " cannot create directory " + root
          + ": " + e, e);
    }
    if (!Files.isWritable(root)) {
      throw new IOException("file_storage " + context.id() + ": directory " + root
          + " is not writable by this process");
    }
    context.reportStatus(ComponentStatus.OK, "storing in " + root);
  }

  @Override
  public Path directoryFor(ComponentId owner, String signal) throws IOException {
    // Type and name are restricted to characters safe in a file name by ComponentId itself.
    return Files.createDirectories(root.resolve(owner.type() + "_" + owner.name() + "_" + signal));
  }

  @Override
  public boolean fsync() {
    return config.fsync();
  }
}
