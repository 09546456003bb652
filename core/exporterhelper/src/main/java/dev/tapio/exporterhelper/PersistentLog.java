package dev.tapio.exporterhelper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The disk side of a persistent {@link SendingQueue}: an append-only log of entries in segment
 * files ({@code <first index, 20 digits>.seg}), plus a {@code committed} file holding the index
 * of the first entry not yet sent. The byte layout (format version 2) is in {@link LogFormat}:
 * every entry header has a magic, its index, its item count and a CRC, so damage costs only the
 * damaged entries ({@link LogScanner}).
 *
 * <p>An append is forced to disk (when {@code fsync}) before it returns, so an acknowledged entry
 * survives kill -9 and power loss. Entries finish out of order (several consumers); the committed
 * index advances past the longest finished prefix only, so after a crash everything at or past
 * it is sent again: at-least-once, duplicates possible, nothing acknowledged lost. The committed
 * file has two 32-byte slots written alternately, each with a sequence number and a CRC, so a
 * torn write of one slot leaves the other; both are written when the log opens, so that marking
 * entries done later rewrites space already allocated and still works on a full disk.
 *
 * <p>A segment is sealed when appends move on: it reached {@code segmentBytes}, or a write to it
 * failed. A sealed segment is deleted once every entry in it is committed. A write that fails
 * (disk full) is truncated off again and seals its segment, so the space of a full disk comes
 * back as soon as the batches already stored are sent, even when they all sit in one segment.
 * Segments are created by the first append that needs one, so a log whose committed file exists
 * opens on a full disk (and refuses appends until there is room).
 *
 * <p>On open, {@link LogScanner} reads each segment: corrupt entries are skipped and counted as
 * lost ({@link #lostBatches()}, {@link #lostRecords()}); a tail torn by a crash mid-append is
 * truncated and counted in {@link #tornEntries()} (never acknowledged, so not a loss).
 *
 * <p>A {@code lock} file held with an OS file lock keeps two queues off the same directory.
 *
 * <p>Thread-safe: {@link #append} callers are serialized on one lock, {@link #markDone} callers
 * on another; {@link #read} is a positional read and needs no lock. Lock order: append, then
 * commit, then the segment list.
 */
final class PersistentLog implements Closeable {
  static final int MAX_ENTRY = LogFormat.MAX_ENTRY;
  static final long SEGMENT_BYTES = 64L << 20;
  private static final int META_SLOT = 32;

  /** One stored batch of {@code items} items; {@code position} is where its bytes start. */
  record Entry(long index, Segment segment, long position, int length, int crc, int items) {}

  static final class Segment {
    final long first;
    final Path path;
    final FileChannel channel;
    /** Bytes written; guarded by the append lock. */
    long size;
    /**
     * -1 while appends may go here; once sealed, the index after its last entry. Written under
     * the append lock, read under the commit lock.
     */
    volatile long end = -1;

    Segment(long first, Path path, FileChannel channel, long size) {
      this.first = first;
      this.path = path;
      this.channel = channel;
      this.size = size;
    }
  }

  private final Path dir;
  private final boolean fsync;
  private final System.Logger log;
  private final long segmentBytes;
  private final Object appendLock = new Object();
  private final Object commitLock = new Object();
  /** Oldest first; the last one, unless sealed, takes appends. Guarded by itself. */
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final CRC32C crc = new CRC32C(); // append lock
  private final ByteBuffer header = ByteBuffer.allocate(LogFormat.ENTRY_HEADER); // append lock
  private final ByteBuffer metaBuf = ByteBuffer.allocate(META_SLOT); // commit lock
  private FileChannel lockChannel;
  private FileLock lock;
  private FileChannel meta;
  private FileStore store;
  private long nextIndex; // append lock
  /** The item number of the next entry's first item (see {@link LogFormat}). Append lock. */
  private long nextItem;
  /** The next segment's header must say its first item number is unknown. Append lock. */
  private boolean nextItemUnknown;
  private long committed; // commit lock
  private long metaSeq; // commit lock
  /** Bit i: entry committed + i has finished. Commit lock. */
  private BitSet done = new BitSet();
  private LogScanner scanned;

  PersistentLog(Path dir, boolean fsync, System.Logger log) {
    this(dir, fsync, log, SEGMENT_BYTES);
  }

  /** @param segmentBytes the size past which appends start a new segment */
  PersistentLog(Path dir, boolean fsync, System.Logger log, long segmentBytes) {
    this.dir = dir;
    this.fsync = fsync;
    this.log = log;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Locks the directory, reads the segments (skipping corrupt entries, truncating torn tails) and
   * returns the entries not yet committed, oldest first. Call once, before anything else. Throws
   * when the directory is in use, holds segments of another format version, or cannot be read
   * or written.
   */
  List<Entry> open() throws IOException {
    Files.createDirectories(dir);
    store = Files.getFileStore(dir);
    lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("queue directory " + dir + " is in use by another queue (lock held)");
    }
    List<Segment> found = new ArrayList<>();
    try {
      return load(found);
    } catch (IOException | RuntimeException e) {
      for (Segment seg : found) {
        seg.channel.close();
      }
      segments.clear();
      close(); // releases the lock: the directory can be fixed and the queue started again
      throw e;
    }
  }

  private List<Entry> load(List<Segment> found) throws IOException {
    meta = FileChannel.open(dir.resolve("committed"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    readMeta();
    segmentFiles(found);
    scanned = new LogScanner(committed, log);
    LogScanner.Scanned last = null;
    for (int i = 0; i < found.size(); i++) {
      Segment seg = found.get(i);
      last = scanned.scan(seg, i == found.size() - 1);
      seg.size = last.size();
      seg.end = last.endIndex();
      if (i > 0) {
        Segment prev = found.get(i - 1);
        prev.end = Math.max(prev.end, seg.first);
      }
      segments.addLast(seg);
    }
    nextIndex = Math.max(scanned.nextIndex(), committed);
    nextItem = Math.max(scanned.nextItem(), 0);
    Segment tail = segments.peekLast();
    // A last segment whose entries were all sent is deleted below rather than appended to, so
    // that damage in it is not found and reported again on every start.
    boolean appendable = tail != null && last.headerValid() && !last.tailLost()
        && last.endIndex() > committed;
    if (appendable) {
      tail.end = -1; // appends continue here
    }
    // A fresh log numbers items from 0. After a loss of unknown size, the next segment's header
    // says its first item number is unknown, so no later scan counts items across the gap.
    nextItemUnknown = tail != null && !appendable
        && (scanned.nextItem() < 0 || last.tailLost());
    List<Entry> pending = scanned.pending();
    // Indices with no entry (lost, or done before the segment holding them was read) count as
    // done, so that the committed index moves past them.
    int p = 0;
    for (long i = committed; i < nextIndex; i++) {
      if (p < pending.size() && pending.get(p).index() == i) {
        p++;
      } else {
        done.set((int) (i - committed));
      }
    }
    synchronized (commitLock) {
      if (meta.size() < 2L * META_SLOT) {
        writeMeta(committed); // allocates both slots now, while there may still be space
        writeMeta(committed);
      }
      advance();
      dropCommittedSegments();
    }
    return pending;
  }

  /** Opens the segment files into {@code found}, oldest first; deletes those without a header. */
  private void segmentFiles(List<Segment> found) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      long first;
      try {
        first = Long.parseLong(name.substring(0, name.length() - 4));
      } catch (NumberFormatException e) {
        log.log(System.Logger.Level.WARNING, "ignoring unexpected file " + p);
        continue;
      }
      long size = Files.size(p);
      if (size < LogFormat.SEGMENT_HEADER) {
        // A roll cut short by a crash: the header was being written, so no entry is in it.
        log.log(System.Logger.Level.WARNING, "persistent queue " + p + ": torn segment header ("
            + size + " bytes), no entry in it; deleting it");
        Files.delete(p);
        continue;
      }
      FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
      found.add(new Segment(first, p, ch, size));
    }
  }

  /** Unsent entries {@link #open()} found lost to corruption. */
  long lostBatches() {
    return scanned.lostBatches();
  }

  /** Items in those of {@link #lostBatches()} whose item count is known. */
  long lostRecords() {
    return scanned.lostRecords();
  }

  /** Of {@link #lostBatches()}, those whose item count is unknown. */
  long lostBatchesRecordsUnknown() {
    return scanned.lostBatchesRecordsUnknown();
  }

  /** Tails torn by a crash mid-append that {@link #open()} truncated; never acknowledged. */
  int tornEntries() {
    return scanned.tornEntries();
  }

  /** The queue's directory. */
  Path directory() {
    return dir;
  }

  /**
   * Free bytes in the directory's file system, counting those reserved for root (a root process
   * may write them; any other finds out by a failed write); MAX_VALUE if unknown.
   */
  long freeSpace() {
    try {
      return store.getUnallocatedSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Appends one entry of {@code items} items and, with fsync, forces it to disk before returning.
   * When it throws, nothing of the entry stays in the log (a partial write is truncated off).
   */
  Entry append(byte[] bytes, int length, int items) throws IOException {
    if (length > MAX_ENTRY) {
      throw new IllegalArgumentException("a batch of " + length + " bytes is larger than the"
          + " persistent queue's limit of " + MAX_ENTRY + " bytes per batch");
    }
    synchronized (appendLock) {
      Segment seg;
      synchronized (segments) {
        seg = segments.peekLast();
      }
      long bytesNeeded = LogFormat.ENTRY_HEADER + (long) length;
      if (seg == null || seg.end >= 0
          || (seg.size > LogFormat.SEGMENT_HEADER && seg.size + bytesNeeded > segmentBytes)) {
        seg = roll(seg);
      }
      crc.reset();
      crc.update(bytes, 0, length);
      int sum = (int) crc.getValue();
      header.clear();
      LogFormat.putEntryHeader(header, length, nextIndex, nextItem, items, sum);
      header.flip();
      long pos = seg.size;
      try {
        writeFully(seg.channel, header, pos);
        writeFully(seg.channel, ByteBuffer.wrap(bytes, 0, length), pos + LogFormat.ENTRY_HEADER);
        if (fsync) {
          seg.channel.force(false);
        }
      } catch (IOException e) {
        writeFailed(seg, pos, e);
        throw e;
      }
      seg.size = pos + bytesNeeded;
      Entry entry = new Entry(nextIndex, seg, pos + LogFormat.ENTRY_HEADER, length, sum, items);
      nextIndex++;
      nextItem += items;
      return entry;
    }
  }

  /**
   * After a failed append to {@code seg} at {@code pos}: cuts the partial entry off, and seals a
   * segment holding entries so that it is deleted, and its space freed, once they are sent.
   * Append lock held.
   */
  private void writeFailed(Segment seg, long pos, IOException e) {
    boolean truncated = true;
    try {
      seg.channel.truncate(pos);
    } catch (IOException suppressed) {
      e.addSuppressed(suppressed);
      truncated = false;
    }
    if (pos == LogFormat.SEGMENT_HEADER && truncated) {
      return; // no entry in it: appends may retry there
    }
    // Sealed, a segment whose partial write could not be cut off is never appended to again;
    // what is left of that write is an unreadable tail the scan skips.
    try {
      seal(seg);
    } catch (IOException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  /**
   * Takes {@code seg} out of appends, and deletes it at once if every entry in it is already
   * committed: nothing else would, since only a later commit looks again. Append lock held.
   */
  private void seal(Segment seg) throws IOException {
    if (seg.end < 0) {
      seg.end = nextIndex;
    }
    synchronized (commitLock) {
      dropCommittedSegments();
    }
  }

  /** Reads an entry's bytes into {@code into} (at least {@code length} long); checks the CRC. */
  void read(Entry e, byte[] into) throws IOException {
    readFully(e.segment().channel, ByteBuffer.wrap(into, 0, e.length()), e.position());
    CRC32C c = new CRC32C();
    c.update(into, 0, e.length());
    if ((int) c.getValue() != e.crc()) {
      throw new IOException("CRC mismatch reading entry " + e.index() + " at byte "
          + (e.position() - LogFormat.ENTRY_HEADER) + " of " + e.segment().path);
    }
  }

  /** Records that an entry was sent (or given up on); commits the finished prefix. */
  void markDone(long index) throws IOException {
    synchronized (commitLock) {
      done.set((int) (index - committed));
      advance();
    }
  }

  /** Commits the finished prefix and deletes the segments it covers. Commit lock held. */
  private void advance() throws IOException {
    int k = done.nextClearBit(0);
    if (k == 0) {
      return;
    }
    // Durable first: a segment deleted before its entries' commit is on disk would turn them
    // into a gap, read as a loss, after a crash.
    writeMeta(committed + k);
    committed += k;
    done = done.get(k, Math.max(k, done.length()));
    dropCommittedSegments();
  }

  /** Deletes sealed segments, oldest first, whose entries are all committed. Commit lock held. */
  private void dropCommittedSegments() throws IOException {
    synchronized (segments) {
      Segment head;
      while ((head = segments.peekFirst()) != null && head.end >= 0 && head.end <= committed) {
        segments.removeFirst();
        head.channel.close();
        Files.deleteIfExists(head.path);
      }
    }
  }

  private void readMeta() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 * META_SLOT);
    if (meta.size() < 2 * META_SLOT) {
      return;
    }
    readFully(meta, b, 0);
    CRC32C c = new CRC32C();
    long bestSeq = -1;
    for (int slot = 0; slot < 2; slot++) {
      int at = slot * META_SLOT;
      c.reset();
      c.update(b.array(), at, 16);
      if ((int) c.getValue() == b.getInt(at + 16) && b.getLong(at) > bestSeq) {
        bestSeq = b.getLong(at);
        committed = b.getLong(at + 8);
      }
    }
    metaSeq = Math.max(bestSeq, 0);
  }

  /** Writes {@code value} as the committed index into the next slot. Commit lock held. */
  private void writeMeta(long value) throws IOException {
    metaSeq++;
    metaBuf.clear();
    metaBuf.putLong(metaSeq).putLong(value);
    CRC32C c = new CRC32C();
    c.update(metaBuf.array(), 0, 16);
    metaBuf.putInt((int) c.getValue());
    metaBuf.position(META_SLOT).flip();
    writeFully(meta, metaBuf, (metaSeq & 1) * META_SLOT);
    if (fsync) {
      meta.force(false);
    }
  }

  /**
   * Seals {@code prev} (if any) and starts a segment at {@code nextIndex}. A roll that fails
   * leaves no file behind, so the next append retries it under the same name. Append lock held.
   */
  private Segment roll(Segment prev) throws IOException {
    if (prev != null && prev.first == nextIndex) {
      // It holds no entry (an unreadable header or a write that could not be cut off): the new
      // segment takes its name.
      synchronized (segments) {
        segments.remove(prev);
      }
      prev.channel.close();
      Files.deleteIfExists(prev.path);
    } else if (prev != null) {
      seal(prev);
    }
    Path p = dir.resolve(String.format("%020d.seg", nextIndex));
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      ByteBuffer h = ByteBuffer.allocate(LogFormat.SEGMENT_HEADER);
      LogFormat.putSegmentHeader(h, nextIndex, nextItemUnknown ? -1 : nextItem);
      h.flip();
      writeFully(ch, h, 0);
      if (fsync) {
        ch.force(false);
      }
    } catch (IOException e) {
      try {
        ch.close();
        Files.deleteIfExists(p);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    nextItemUnknown = false;
    Segment seg = new Segment(nextIndex, p, ch, LogFormat.SEGMENT_HEADER);
    synchronized (segments) {
      segments.addLast(seg);
    }
    if (fsync) {
      // Makes the new file's directory entry durable, so a power loss cannot orphan its data.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        log.log(System.Logger.Level.DEBUG, "cannot fsync directory " + dir, e);
      }
    }
    return seg;
  }

  @Override
  public void close() throws IOException {
    synchronized (segments) {
      for (Segment s : segments) {
        s.channel.close();
      }
    }
    if (meta != null) {
      meta.close();
    }
    if (lockChannel != null) {
      lockChannel.close(); // releases the lock
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long at = pos;
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }
}
