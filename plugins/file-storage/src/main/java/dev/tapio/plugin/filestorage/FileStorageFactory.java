package dev.tapio.plugin.filestorage;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import java.util.Map;
import org.pf4j.Extension;

/** The {@code file_storage} extension: a directory for persistent sending queues. */
@Extension
public final class FileStorageFactory implements ExtensionFactory<FileStorageConfig> {
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.of(
      "compaction", "a queue deletes each segment file once all of it is sent, so there is no"
          + " database to compact",
      "directory_permissions", "directories are created with the process's umask",
      "max_size", "bound each queue instead, with the exporter's sending_queue.queue_size and"
          + " sizer: bytes",
      "recreate", "a queue skips and counts corrupt entries when it opens; to start empty,"
          + " remove its directory");

  public FileStorageFactory() {}

  @Override
  public String type() {
    return "file_storage";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Gives exporters a directory for sending queues that survive restarts and kill -9.";
  }

  @Override
  public FileStorageConfig createDefaultConfig() {
    return FileStorageConfig.DEFAULT;
  }

  @Override
  public FileStorageConfig readConfig(ConfigReader r) {
    FileStorageConfig d = FileStorageConfig.DEFAULT;
    if (!r.bool("create_directory", true)) {
      r.error("create_directory", "false is not supported yet: the directory is always created"
          + " when absent");
    }
    if (r.has("timeout") && !r.duration("timeout", java.time.Duration.ZERO).isZero()) {
      r.warning("timeout", "has no effect: a queue directory locked by another queue is refused"
          + " at once, without waiting for the lock");
    }
    return new FileStorageConfig(r.string("directory", d.directory()), r.bool("fsync", d.fsync()));
  }

  @Override
  public Component create(ComponentContext context, FileStorageConfig config) {
    return new FileStorage(context, config);
  }
}
