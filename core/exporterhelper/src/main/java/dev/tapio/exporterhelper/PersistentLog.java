package dev.tapio.exporterhelper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
 * of the first entry not yet sent.
 *
 * <p>An entry is {@code int length, int CRC32C of the bytes, bytes}, big-endian. An append is
 * forced to disk (when {@code fsync}) before it returns, so an acknowledged entry survives kill -9
 * and power loss. Entries finish out of order (several consumers); the committed index advances
 * past the longest finished prefix only, so after a crash everything at or past it is sent again:
 * at-least-once, duplicates possible, nothing acknowledged lost. The committed file has two
 * 32-byte slots written alternately, each with a sequence number and a CRC, so a torn write of
 * one slot leaves the other. A segment is deleted once every entry in it is committed.
 *
 * <p>On open, each segment is scanned; an entry whose header or bytes are incomplete or fail the
 * CRC (a write torn by a crash) ends the segment: the file is truncated there and the entry
 * counted in {@link #corruptEntries()}. Such an entry was never acknowledged, since the append
 * had not returned.
 *
 * <p>A {@code lock} file held with an OS file lock keeps two queues off the same directory.
 *
 * <p>Thread-safe: {@link #append} callers are serialized on one lock, {@link #markDone} callers
 * on another; {@link #read} is a positional read and needs no lock.
 */
final class PersistentLog implements Closeable {
  static final int HEADER = 8;
  /** An entry larger than this is taken for a corrupt length. */
  static final int MAX_ENTRY = 256 << 20;
  static final long SEGMENT_BYTES = 64L << 20;
  private static final int META_SLOT = 32;

  /** One stored batch; {@code position} is where its bytes start. */
  record Entry(long index, Segment segment, long position, int length, int crc) {}

  static final class Segment {
    final long first;
    final Path path;
    final FileChannel channel;
    /** Bytes written; guarded by the append lock. */
    long size;

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
  private final Object appendLock = new Object();
  private final Object commitLock = new Object();
  /** Oldest first; the last one takes appends. Guarded by itself. */
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final CRC32C crc = new CRC32C(); // append lock
  private final ByteBuffer header = ByteBuffer.allocate(HEADER); // append lock
  private final ByteBuffer metaBuf = ByteBuffer.allocate(META_SLOT); // commit lock
  private FileChannel lockChannel;
  private FileLock lock;
  private FileChannel meta;
  private long nextIndex; // append lock
  private long committed; // commit lock
  private long metaSeq; // commit lock
  /** Bit i: entry committed + i has finished. Commit lock. */
  private BitSet done = new BitSet();
  private int corruptEntries;

  private final long segmentBytes;

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
   * Locks the directory, repairs torn tails and returns the entries not yet committed, oldest
   * first. Call once, before anything else.
   */
  List<Entry> open() throws IOException {
    Files.createDirectories(dir);
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
    meta = FileChannel.open(dir.resolve("committed"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    readMeta();

    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
    List<Entry> pending = new ArrayList<>();
    long end = committed;
    for (Path p : files) {
      String name = p.getFileName().toString();
      long first;
      try {
        first = Long.parseLong(name.substring(0, name.length() - 4));
      } catch (NumberFormatException e) {
        log.log(System.Logger.Level.WARNING, "ignoring unexpected file " + p);
        continue;
      }
      FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Segment seg = new Segment(first, p, ch, 0);
      long index = scan(seg, first, pending);
      end = Math.max(end, index);
      segments.addLast(seg);
    }
    nextIndex = end;
    // Appends go to a fresh segment unless the last one ends exactly where they start, so that a
    // segment's entries always have consecutive indices from its name.
    Segment last = segments.peekLast();
    if (last == null || segEnd.get(last).longValue() != nextIndex) {
      roll();
    }
    // Indices with no entry (lost to a truncation, or committed) count as done.
    int p = 0;
    for (long i = committed; i < nextIndex; i++) {
      if (p < pending.size() && pending.get(p).index() == i) {
        p++;
      } else {
        done.set((int) (i - committed));
      }
    }
    synchronized (commitLock) {
      advance();
    }
    return pending;
  }

  /** Each scanned segment's end index; used by {@link #open()} only. */
  private final java.util.IdentityHashMap<Segment, Long> segEnd = new java.util.IdentityHashMap<>();

  /** Reads the entries of {@code seg}, truncating at the first bad one; returns the end index. */
  private long scan(Segment seg, long first, List<Entry> pending) throws IOException {
    FileChannel ch = seg.channel;
    long fileSize = ch.size();
    long pos = 0;
    long index = first;
    ByteBuffer h = ByteBuffer.allocate(HEADER);
    byte[] body = new byte[0];
    CRC32C c = new CRC32C();
    while (pos < fileSize) {
      String problem = null;
      int length = 0;
      int expected = 0;
      if (fileSize - pos < HEADER) {
        problem = "incomplete header";
      } else {
        h.clear();
        readFully(ch, h, pos);
        length = h.getInt(0);
        expected = h.getInt(4);
        if (length < 0 || length > MAX_ENTRY) {
          problem = "invalid length " + length;
        } else if (fileSize - pos - HEADER < length) {
          problem = "incomplete entry (" + (fileSize - pos - HEADER) + " of " + length + " bytes)";
        } else {
          if (body.length < length) {
            body = new byte[length];
          }
          readFully(ch, ByteBuffer.wrap(body, 0, length), pos + HEADER);
          c.reset();
          c.update(body, 0, length);
          if ((int) c.getValue() != expected) {
            problem = "CRC mismatch";
          }
        }
      }
      if (problem != null) {
        corruptEntries++;
        log.log(System.Logger.Level.WARNING, "persistent queue " + seg.path + ": " + problem
            + " at byte " + pos + " (a write torn by a crash); truncating the "
            + (fileSize - pos) + " bytes from there");
        ch.truncate(pos);
        ch.force(true);
        break;
      }
      if (index >= committed) {
        pending.add(new Entry(index, seg, pos + HEADER, length, expected));
      }
      index++;
      pos += HEADER + length;
    }
    seg.size = pos;
    segEnd.put(seg, index);
    return index;
  }

  /** Number of corrupt entries found (and cut off) by {@link #open()}. */
  int corruptEntries() {
    return corruptEntries;
  }

  /** Appends one entry and, with fsync, forces it to disk before returning. */
  Entry append(byte[] bytes, int length) throws IOException {
    synchronized (appendLock) {
      Segment seg = segments.peekLast();
      if (seg.size > 0 && seg.size + HEADER + length > segmentBytes) {
        seg = roll();
      }
      crc.reset();
      crc.update(bytes, 0, length);
      int sum = (int) crc.getValue();
      header.clear();
      header.putInt(length).putInt(sum).flip();
      long pos = seg.size;
      try {
        writeFully(seg.channel, header, pos);
        writeFully(seg.channel, ByteBuffer.wrap(bytes, 0, length), pos + HEADER);
        if (fsync) {
          seg.channel.force(false);
        }
      } catch (IOException e) {
        // Leave no partial entry behind for the next append to follow.
        try {
          seg.channel.truncate(pos);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      seg.size = pos + HEADER + length;
      return new Entry(nextIndex++, seg, pos + HEADER, length, sum);
    }
  }

  /** Reads an entry's bytes into {@code into} (at least {@code length} long); checks the CRC. */
  void read(Entry e, byte[] into) throws IOException {
    readFully(e.segment().channel, ByteBuffer.wrap(into, 0, e.length()), e.position());
    CRC32C c = new CRC32C();
    c.update(into, 0, e.length());
    if ((int) c.getValue() != e.crc()) {
      throw new IOException("CRC mismatch reading entry " + e.index() + " of " + e.segment().path);
    }
  }

  /** Records that an entry was sent (or given up on); commits the finished prefix. */
  void markDone(long index) throws IOException {
    synchronized (commitLock) {
      done.set((int) (index - committed));
      advance();
    }
  }

  private void advance() throws IOException {
    int k = done.nextClearBit(0);
    if (k == 0) {
      return;
    }
    committed += k;
    done = done.get(k, Math.max(k, done.length()));
    writeMeta();
    synchronized (segments) {
      while (segments.size() > 1) {
        var it = segments.iterator();
        Segment head = it.next();
        if (it.next().first > committed) {
          break;
        }
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

  private void writeMeta() throws IOException {
    metaSeq++;
    metaBuf.clear();
    metaBuf.putLong(metaSeq).putLong(committed);
    CRC32C c = new CRC32C();
    c.update(metaBuf.array(), 0, 16);
    metaBuf.putInt((int) c.getValue());
    metaBuf.position(META_SLOT).flip();
    writeFully(meta, metaBuf, (metaSeq & 1) * META_SLOT);
    if (fsync) {
      meta.force(false);
    }
  }

  private Segment roll() throws IOException {
    Path p = dir.resolve(String.format("%020d.seg", nextIndex));
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Segment seg = new Segment(nextIndex, p, ch, 0);
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
