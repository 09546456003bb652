package dev.tapio.plugin.k8sevents;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last resource version delivered per watch, in one small text file of a storage
 * extension's directory: a line {@code <namespace> <resourceVersion>} per watch, {@code *} for
 * the watch of every namespace. Each write replaces the file whole (a temporary file renamed
 * over it), so a crash leaves the old or the new content, never a mix; with {@code fsync} the
 * new content is on disk before the rename.
 *
 * <p>Not thread-safe: loaded on the lifecycle thread before the receiver's thread starts, then
 * used by that thread alone.
 */
final class Checkpoints {
  static final String ALL_NAMESPACES = "*";
  private static final String FILE = "resource-versions";

  private final Path file;
  private final boolean fsync;
  private final Map<String, String> versions = new HashMap<>();

  Checkpoints(Path directory, boolean fsync) {
    this.file = directory.resolve(FILE);
    this.fsync = fsync;
  }

  /** Reads what the last run left; nothing when it left no file. */
  void load() throws IOException {
    versions.clear();
    if (!Files.exists(file)) {
      return;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int space = line.indexOf(' ');
      if (space > 0 && space < line.length() - 1) {
        versions.put(line.substring(0, space), line.substring(space + 1).strip());
      }
    }
  }

  /** The resource version stored for the watch of {@code namespace} ("" = all), or null. */
  String get(String namespace) {
    return versions.get(key(namespace));
  }

  /** Stores {@code resourceVersion} for {@code namespace}'s watch, replacing the file. */
  void put(String namespace, String resourceVersion) throws IOException {
    if (resourceVersion.equals(versions.put(key(namespace), resourceVersion))) {
      return;
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(versions).forEach((ns, rv) -> text.append(ns).append(' ').append(rv)
        .append('\n'));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      if (fsync) {
        ch.force(true);
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Forgets the watches of namespaces no longer configured, at the next write. */
  void retainOnly(java.util.Collection<String> namespaces) {
    versions.keySet().retainAll(namespaces.stream().map(Checkpoints::key).toList());
  }

  private static String key(String namespace) {
    return namespace.isEmpty() ? ALL_NAMESPACES : namespace;
  }
}
