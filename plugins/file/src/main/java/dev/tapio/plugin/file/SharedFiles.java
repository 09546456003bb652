package dev.tapio.plugin.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One {@link RotatingFileWriter} per file, shared by the exporters that write it: the engine
 * creates one exporter per signal, and a {@code file} exporter in a logs and a traces pipeline
 * must append to one file with one rotation, not race two writers over it (the Collector shares
 * its file exporter the same way). Counted references; the last release closes the file.
 * Thread-safe.
 */
final class SharedFiles {
  private static final Map<Path, Entry> OPEN = new HashMap<>();

  private SharedFiles() {}

  private static final class Entry {
    final RotatingFileWriter writer;
    final Settings settings;
    int references;

    Entry(RotatingFileWriter writer, Settings settings) {
      this.writer = writer;
      this.settings = settings;
    }
  }

  /** What must agree between exporters sharing a file. */
  record Settings(long maxBytes, int maxBackups, Duration flushInterval) {}

  /**
   * The writer for {@code path}, opened on first use. Throws IllegalStateException when the file
   * is already open with other settings, since one file cannot rotate two ways.
   */
  static synchronized RotatingFileWriter acquire(Path path, Settings settings,
      LongSupplier wallClockMillis) throws IOException {
    Path key = path.toAbsolutePath().normalize();
    Entry e = OPEN.get(key);
    if (e == null) {
      RotatingFileWriter writer = new RotatingFileWriter(key, settings.maxBytes(),
          settings.maxBackups(), settings.flushInterval(), wallClockMillis);
      writer.open();
      e = new Entry(writer, settings);
      OPEN.put(key, e);
    } else if (!e.settings.equals(settings)) {
      throw new IllegalStateException("file " + key + " is already written by another file "
          + "exporter with different rotation or flush_interval settings (" + e.settings
          + "); give each exporter its own path or the same settings");
    }
    e.references++;
    return e.writer;
  }

  /** Releases one reference; the last closes the file (flushing it). */
  static void release(RotatingFileWriter writer) throws IOException {
    boolean last;
    synchronized (SharedFiles.class) {
      Entry e = OPEN.get(writer.path());
      if (e == null || e.writer != writer) {
        return;
      }
      last = --e.references == 0;
      if (last) {
        OPEN.remove(writer.path());
      }
    }
    if (last) {
      writer.close();
    }
  }
}
