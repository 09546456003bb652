package dev.tapio.exporterhelper;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The byte layout of a {@link PersistentLog}'s segment files, format version 2. All numbers are
 * big-endian.
 *
 * <pre>
 * segment header, 36 bytes, at byte 0 of every segment:
 *    0  8  magic "TAPIOQSG"
 *    8  4  format version (2)
 *   12  4  reserved, 0
 *   16  8  index of the segment's first entry (also its file name)
 *   24  8  item number of that entry's first item (see below)
 *   32  4  CRC32C of bytes 0..31
 * entry, 36 bytes of header then the payload (one batch as its OTLP export request):
 *    0  4  magic 0xF70E5AC1
 *    4  4  payload length
 *    8  8  entry index
 *   16  8  item number of the batch's first item
 *   24  4  items (log records, metric points or spans) in the batch
 *   28  4  CRC32C of the payload
 *   32  4  CRC32C of bytes 0..31
 * </pre>
 *
 * <p>Why each field: the magic and the header CRC let a reader that met a corrupt entry find the
 * next good one by scanning, instead of giving up on the rest of the segment; the index in every
 * header says how many entries a corrupt stretch held (the next good entry's index minus the one
 * expected); the item number, counted over the whole log, says how many items they held (the next
 * good entry's item number minus the one expected), so a loss is counted in records even when
 * the corrupt entry's own header is unreadable.
 *
 * <p>Format 1 (entries of {@code int length, int CRC32C, payload}, no segment header) is
 * recognised and refused with a message saying so: it was never released with data worth
 * migrating. Stateless; thread-safe.
 */
final class LogFormat {
  static final int VERSION = 2;
  static final long SEGMENT_MAGIC = 0x5441_5049_4F51_5347L; // "TAPIOQSG"
  static final int SEGMENT_HEADER = 36;
  static final int ENTRY_MAGIC = 0xF70E_5AC1;
  /** The magic's first byte, which a resynchronising scan looks for before reading more. */
  static final byte ENTRY_MAGIC_FIRST = (byte) (ENTRY_MAGIC >>> 24);
  static final int ENTRY_HEADER = 36;
  /** An entry larger than this is refused on append and taken for a corrupt length on read. */
  static final int MAX_ENTRY = 256 << 20;

  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  /** A segment header that checked out. */
  record SegmentHeader(long first, long firstItem) {}

  /** An entry header that checked out (magic, CRC, length in range); the payload is unchecked. */
  record EntryHeader(int length, long index, long firstItem, int items, int crc) {}

  private LogFormat() {}

  /** Writes a segment header into {@code b}, a heap buffer with at least 36 bytes left. */
  static void putSegmentHeader(ByteBuffer b, long first, long firstItem) {
    int start = b.position();
    b.putLong(SEGMENT_MAGIC).putInt(VERSION).putInt(0).putLong(first).putLong(firstItem);
    b.putInt(crc(b.array(), b.arrayOffset() + start, 32));
  }

  /** Writes an entry header into {@code b}, a heap buffer with at least 36 bytes left. */
  static void putEntryHeader(
      ByteBuffer b, int length, long index, long firstItem, int items, int payloadCrc) {
    int start = b.position();
    b.putInt(ENTRY_MAGIC).putInt(length).putLong(index).putLong(firstItem).putInt(items)
        .putInt(payloadCrc);
    b.putInt(crc(b.array(), b.arrayOffset() + start, 32));
  }

  /**
   * Reads the segment header of {@code m} ({@code size} bytes, at least {@link #SEGMENT_HEADER});
   * null when it is corrupt. Throws when the file is in another format version.
   */
  static SegmentHeader segmentHeader(MemorySegment m, long size, Path path, CRC32C crc)
      throws IOException {
    if (m.get(LONG, 0) != SEGMENT_MAGIC) {
      if (looksLikeFormat1(m, size, crc)) {
        throw new IOException("persistent queue segment " + path + " is in queue format 1 (before"
            + " entry headers had a magic and an index); this version reads format " + VERSION
            + " only. Drain that directory with the Tapio that wrote it, or move it away to"
            + " discard its batches.");
      }
      return null;
    }
    if (crc(m, 0, 32, crc) != m.get(INT, 32)) {
      return null;
    }
    int version = m.get(INT, 8);
    if (version != VERSION) {
      throw new IOException("persistent queue segment " + path + " is in queue format " + version
          + "; this version reads format " + VERSION + " only");
    }
    return new SegmentHeader(m.get(LONG, 16), m.get(LONG, 24));
  }

  /** Format 1 began with an entry: a plausible length whose bytes match the CRC after it. */
  private static boolean looksLikeFormat1(MemorySegment m, long size, CRC32C crc) {
    int length = m.get(INT, 0);
    return length >= 0 && length <= MAX_ENTRY && 8L + length <= size
        && crc(m, 8, length, crc) == m.get(INT, 4);
  }

  /**
   * Reads the entry header at {@code at} (with {@code at + ENTRY_HEADER <= m.byteSize()}); null
   * unless its magic, CRC, length and item count all check out.
   */
  static EntryHeader entryHeader(MemorySegment m, long at, CRC32C crc) {
    if (m.get(INT, at) != ENTRY_MAGIC || crc(m, at, 32, crc) != m.get(INT, at + 32)) {
      return null;
    }
    int length = m.get(INT, at + 4);
    int items = m.get(INT, at + 24);
    if (length < 0 || length > MAX_ENTRY || items < 0) {
      return null;
    }
    return new EntryHeader(length, m.get(LONG, at + 8), m.get(LONG, at + 16), items,
        m.get(INT, at + 28));
  }

  static int crc(MemorySegment m, long at, long length, CRC32C crc) {
    crc.reset();
    crc.update(m.asSlice(at, length).asByteBuffer());
    return (int) crc.getValue();
  }

  private static int crc(byte[] bytes, int at, int length) {
    CRC32C c = new CRC32C();
    c.update(bytes, at, length);
    return (int) c.getValue();
  }
}
