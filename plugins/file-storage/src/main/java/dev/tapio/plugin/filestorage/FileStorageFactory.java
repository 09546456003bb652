package dev.tapio.plugin.filestorage;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import org.pf4j.Extension;

/** The {@code file_storage} extension: a directory for persistent sending queues. */
@Extension
public final class FileStorageFactory implements ExtensionFactory<FileStorageConfig> {

  public FileStorageFactory() {}

  @Override
  public String type() {
    return "file_storage";
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
    return new FileStorageConfig(r.string("directory", d.directory()), r.bool("fsync", d.fsync()));
  }

  @Override
  public Component create(ComponentContext context, FileStorageConfig config) {
    return new FileStorage(context, config);
  }
}
