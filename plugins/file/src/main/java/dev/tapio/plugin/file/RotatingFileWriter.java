package dev.tapio.plugin.file;

import dev.tapio.otlp.OtlpJsonEncoder;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Appends one OTLP-JSON line per batch to a file, through a buffer flushed at least every
 * {@code flushInterval} and on {@link #close()}. When the next line would take the file past
 * {@code maxBytes}, the file is renamed to {@code <name>-<UTC time>.<ext>} (the Collector's
 * lumberjack naming, e.g. {@code out-2026-11-21T22-31-58.123.json}) and a new one started; of
 * those backups only the newest {@code maxBackups} are kept.
 *
 * <p>Thread-safe: encoding and writing happen under one lock, so each batch is one whole line and
 * lines never interleave. The encoder's buffers are reused across batches.
 */
final class RotatingFileWriter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RotatingFileWriter.class.getName());
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  private final Path path;
  private final long maxBytes;
  private final int maxBackups;
  private final Duration flushInterval;
  private final LongSupplier wallClockMillis;
  private final String backupPrefix;
  private final String backupSuffix;
  private final Pattern backupName;

  private final ReentrantLock lock = new ReentrantLock();
  private final OtlpJsonEncoder encoder = new OtlpJsonEncoder();
  private OutputStream out;
  private long size;
  private long lastBackupMillis;
  private boolean closed;
  private ScheduledExecutorService flusher;

  /**
   * @param maxBytes the size a file may reach before rotation; 0 never rotates
   * @param maxBackups rotated files to keep; 0 keeps all
   * @param flushInterval how often buffered lines reach the file; zero flushes every line
   * @param wallClockMillis the time that names backups, {@code System::currentTimeMillis}
   */
  RotatingFileWriter(Path path, long maxBytes, int maxBackups, Duration flushInterval,
      LongSupplier wallClockMillis) {
    this.path = path.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    this.maxBackups = maxBackups;
    this.flushInterval = flushInterval;
    this.wallClockMillis = wallClockMillis;
    String name = this.path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    backupPrefix = (dot > 0 ? name.substring(0, dot) : name) + "-";
    backupSuffix = dot > 0 ? name.substring(dot) : "";
    backupName = Pattern.compile(Pattern.quote(backupPrefix)
        + "\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}" + Pattern.quote(backupSuffix));
  }

  Path path() {
    return path;
  }

  /** Creates the parent directories, opens the file for appending and starts the flush timer. */
  void open() throws IOException {
    lock.lock();
    try {
      openStream();
    } finally {
      lock.unlock();
    }
    if (!flushInterval.isZero()) {
      flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true)
          .name("tapio-file-flush-" + path.getFileName()).unstarted(r));
      long nanos = flushInterval.toNanos();
      flusher.scheduleWithFixedDelay(this::timedFlush, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  void writeLogs(Logs logs) throws IOException {
    writeLine(logs);
  }

  void writeMetrics(Metrics metrics) throws IOException {
    writeLine(metrics);
  }

  void writeTraces(Traces traces) throws IOException {
    writeLine(traces);
  }

  /** Writes buffered lines to the file. */
  void flush() throws IOException {
    lock.lock();
    try {
      if (out != null) {
        out.flush();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the timer, flushes and closes. Further writes fail. */
  @Override
  public void close() throws IOException {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    lock.lock();
    try {
      closed = true;
      if (out != null) {
        OutputStream o = out;
        out = null;
        o.close();
      }
    } finally {
      lock.unlock();
    }
  }

  private void timedFlush() {
    try {
      flush();
    } catch (IOException e) {
      // The lines stay buffered; the next write or flush tries again and reports to the caller.
      LOG.log(Level.WARNING, "cannot flush " + path + ": " + e.getMessage());
    }
  }

  /** Encodes {@code data} and appends it, plus a newline, to the file, under the lock. */
  private void writeLine(TelemetryData<?> data) throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw new IOException("the file exporter is shut down");
      }
      int length = encoder.encode(data) + 1;
      write(length);
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: the encoded document and a newline, {@code length} bytes in all. */
  private void write(int length) throws IOException {
    if (out == null) {
      // An earlier failure closed the stream; reopen so that the file's problem is reported anew.
      openStream();
    }
    if (maxBytes > 0 && size > 0 && size + length > maxBytes) {
      rotate();
    }
    try {
      out.write(encoder.buffer(), 0, length - 1);
      out.write('\n');
      size += length;
      if (flushInterval.isZero()) {
        out.flush();
      }
    } catch (IOException e) {
      // Part of the buffer may be in the file; start afresh on the next write (see openStream).
      closeQuietly();
      throw e;
    }
  }

  private void closeQuietly() {
    OutputStream o = out;
    out = null;
    try {
      o.close();
    } catch (IOException ignored) {
      // Already failing; the caller reports the first error.
    }
  }

  private void openStream() throws IOException {
    Path parent = path.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE), BUFFER_SIZE);
    size = Files.size(path);
    if (size > 0 && !endsWithNewline()) {
      // A line cut short by a crash or a failed write keeps to itself, so readers skip just it.
      out.write('\n');
      size++;
    }
  }

  private boolean endsWithNewline() throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.read(last, channel.size() - 1);
      return last.get(0) == '\n';
    }
  }

  private void rotate() throws IOException {
    OutputStream o = out;
    out = null;
    o.close();
    Files.move(path, nextBackupPath());
    openStream();
    try {
      pruneBackups();
    } catch (IOException | DirectoryIteratorException e) {
      // Too many backups is better than refusing the line that has a fresh file waiting for it.
      LOG.log(Level.WARNING, "cannot delete old backups of " + path + ": " + e);
    }
  }

  /** A backup name that sorts after every earlier one, even for rotations within a millisecond. */
  private Path nextBackupPath() {
    long millis = Math.max(wallClockMillis.getAsLong(), lastBackupMillis + 1);
    Path backup;
    while (Files.exists(backup = backupPath(millis))) {
      millis++;
    }
    lastBackupMillis = millis;
    return backup;
  }

  private Path backupPath(long millis) {
    return path.resolveSibling(
        backupPrefix + BACKUP_TIME.format(Instant.ofEpochMilli(millis)) + backupSuffix);
  }

  /** Deletes the oldest backups beyond {@code maxBackups}; names sort by time. */
  private void pruneBackups() throws IOException {
    if (maxBackups <= 0) {
      return;
    }
    List<Path> backups = backups();
    for (int i = 0; i < backups.size() - maxBackups; i++) {
      Files.deleteIfExists(backups.get(i));
    }
  }

  /** This file's backups, oldest first. */
  List<Path> backups() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(path.getParent())) {
      for (Path p : dir) {
        if (backupName.matcher(p.getFileName().toString()).matches()) {
          found.add(p);
        }
      }
    }
    found.sort(null);
    return found;
  }
}
