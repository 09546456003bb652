package dev.tapio.exporterhelper;

import static dev.tapio.exporterhelper.LogFormat.ENTRY_HEADER;
import static dev.tapio.exporterhelper.LogFormat.SEGMENT_HEADER;

import dev.tapio.exporterhelper.LogFormat.EntryHeader;
import dev.tapio.exporterhelper.LogFormat.SegmentHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a {@link PersistentLog}'s segments when it opens, oldest first, and works out what they
 * still hold and what was lost.
 *
 * <p>Three kinds of damage, told apart because they mean different things:
 *
 * <ul>
 *   <li><b>Corrupt</b> bytes (a header or payload failing its CRC, a bad length, an unreadable
 *       segment header): the scan resynchronises on the next entry whose magic, header CRC and
 *       index check out, and only the entries in between are lost. Their number is the next good
 *       index minus the expected one, their items the next good item number minus the expected
 *       one (see {@link LogFormat}). A loss counts only for entries not yet sent (index at or
 *       past the committed one): corruption among batches already sent costs nothing.
 *   <li>A <b>torn</b> tail: the last segment ends inside an entry (or in zeros), because a crash
 *       cut the last append short. That append never returned, so nothing acknowledged is lost;
 *       the tail is truncated and counted in {@link #tornEntries()}, not as a loss.
 *   <li>A corrupt tail of the last segment, with no good entry after it: at least one entry is
 *       lost, counted as one, its items unknown ({@link #lostBatchesRecordsUnknown()}). The tail
 *       is truncated so that appends continue after the last good entry.
 * </ul>
 *
 * <p>Losses are found again on every open until the committed index passes them, as unsent
 * batches are sent again: a restart before then reports them again (at-least-once, like delivery).
 *
 * <p>Not thread-safe: used by {@link PersistentLog#open()} only.
 */
final class LogScanner {
  private final long committed;
  private final System.Logger log;
  private final CRC32C crc = new CRC32C();
  private final List<PersistentLog.Entry> pending = new ArrayList<>();
  /** The index the next entry should have; -1 before the first segment. */
  private long expectIndex = -1;
  /** The item number the next entry should start at; -1 when a loss made it unknown. */
  private long expectItem = -1;
  /** Where the bytes went bad whose loss the next segment's header will tell; or null. */
  private String unresolved;
  private long lostBatches;
  private long lostRecords;
  private long lostBatchesRecordsUnknown;
  private int tornEntries;

  LogScanner(long committed, System.Logger log) {
    this.committed = committed;
    this.log = log;
  }

  /**
   * What one segment held, for {@link PersistentLog#open()}: the index after its last entry, the
   * bytes that stay, whether its header checked out, and whether a tail of unknown items was
   * lost (so a segment after it must say its first item number is unknown).
   */
  record Scanned(long endIndex, long size, boolean headerValid, boolean tailLost) {}

  /**
   * Scans one segment (at least {@link LogFormat#SEGMENT_HEADER} bytes), adding its unsent entries
   * to {@link #pending()}. When {@code last}, a torn or unreadable tail is truncated. Throws when
   * the segment is in another format version, or cannot be read.
   */
  Scanned scan(PersistentLog.Segment seg, boolean last) throws IOException {
    FileChannel ch = seg.channel;
    long size = ch.size();
    long pos = SEGMENT_HEADER;
    boolean headerValid;
    Tail tail = null;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      SegmentHeader h = LogFormat.segmentHeader(m, size, seg.path, crc);
      headerValid = h != null && h.first() == seg.first;
      if (!headerValid) {
        log.log(Level.WARNING, "persistent queue " + seg.path + ": corrupt segment header at byte"
            + " 0; reading its entries by their own headers");
      }
      if (expectIndex < 0) {
        expectIndex = seg.first;
        expectItem = headerValid ? h.firstItem() : -1;
      } else {
        // A segment starts where the previous one ended: entries in between were lost with the
        // previous segment's tail (or a missing file).
        String where = unresolved != null ? unresolved
            : "gap before " + seg.path.getFileName() + " (entries missing)";
        if (unresolved != null && seg.first <= expectIndex) {
          log.log(Level.WARNING, "persistent queue: corrupt " + unresolved + "; no entry lost"
              + " (the next segment follows on)");
        }
        skipTo(seg.first, headerValid ? h.firstItem()
            : seg.first == expectIndex ? expectItem : -1, where);
      }
      unresolved = null;
      while (pos < size) {
        long left = size - pos;
        EntryHeader e = left >= ENTRY_HEADER ? LogFormat.entryHeader(m, pos, crc) : null;
        if (e != null && e.index() >= expectIndex) {
          if (left - ENTRY_HEADER < e.length()) {
            tail = new Tail(pos, true, "incomplete entry (" + (left - ENTRY_HEADER) + " of "
                + e.length() + " bytes)");
            break;
          }
          if (e.index() > expectIndex) {
            skipTo(e.index(), e.firstItem(),
                "gap before entry " + e.index() + " at byte " + pos + " of " + seg.path);
          }
          if (LogFormat.crc(m, pos + ENTRY_HEADER, e.length(), crc) == e.crc()) {
            if (e.index() >= committed) {
              pending.add(new PersistentLog.Entry(e.index(), seg, pos + ENTRY_HEADER, e.length(),
                  e.crc(), e.items()));
            }
          } else {
            lose(e.index(), e.index() + 1, e.items(),
                "payload of entry " + e.index() + " (CRC mismatch) at byte " + pos + " of "
                    + seg.path);
          }
          expectIndex = e.index() + 1;
          expectItem = e.firstItem() + e.items();
          pos += ENTRY_HEADER + e.length();
          continue;
        }
        long next = resync(m, pos, size);
        if (next < 0) {
          tail = new Tail(pos, left < ENTRY_HEADER || zeros(m, pos, size),
              left < ENTRY_HEADER ? "incomplete entry header (" + left + " bytes)"
                  : "unreadable entry header");
          break;
        }
        EntryHeader b = LogFormat.entryHeader(m, next, crc);
        String what = (next - pos) + " bytes at byte " + pos + " of " + seg.path
            + " (an entry header failing its magic, CRC or length check)";
        if (b.index() == expectIndex) {
          log.log(Level.WARNING, "persistent queue: corrupt " + what + "; no entry lost (the next"
              + " entry follows on)");
        } else {
          skipTo(b.index(), b.firstItem(), what);
        }
        pos = next;
      }
    }
    if (tail == null) {
      return new Scanned(expectIndex, size, headerValid, false);
    }
    if (!last) {
      // The next segment's first index says how many entries this tail held.
      unresolved = "tail from byte " + tail.pos + " of " + seg.path + " ("
          + tail.what + ")";
      return new Scanned(expectIndex, size, headerValid, false);
    }
    if (tail.torn) {
      tornEntries++;
      log.log(Level.WARNING, "persistent queue " + seg.path + ": torn write at byte " + tail.pos
          + " (" + tail.what + "): an append cut short by a crash, never acknowledged;"
          + " truncating the " + (size - tail.pos) + " bytes from there");
    } else {
      // Nothing good follows: at least one entry, and its items are unknown. Counted as one; the
      // next index is not reused, so the lost one stays a gap that the done bits skip.
      lose(expectIndex, expectIndex + 1, -1, "tail from byte " + tail.pos + " of "
          + seg.path + " (" + tail.what + "), " + (size - tail.pos) + " bytes truncated");
      expectIndex++;
    }
    ch.truncate(tail.pos);
    ch.force(true);
    return new Scanned(expectIndex, tail.pos, headerValid, !tail.torn);
  }

  /** Where a segment stopped reading as entries; {@code torn} when a crash explains it. */
  private record Tail(long pos, boolean torn, String what) {}

  /** Accounts for the entries before {@code index} not read, then expects that entry next. */
  private void skipTo(long index, long firstItem, String where) {
    if (index > expectIndex) {
      long items = expectItem >= 0 && firstItem >= expectItem ? firstItem - expectItem : -1;
      lose(expectIndex, index, items, where);
    }
    expectIndex = index;
    expectItem = firstItem;
  }

  /**
   * Counts entries {@code from} (inclusive) to {@code to} as lost to corruption, as far as they
   * were not sent yet; {@code items} is how many items they held, or -1 if unknown.
   */
  private void lose(long from, long to, long items, String where) {
    long start = Math.max(from, committed);
    if (start >= to) {
      log.log(Level.WARNING, "persistent queue: corrupt " + where + "; in batches already sent,"
          + " so nothing pending is lost");
      return;
    }
    long n = to - start;
    lostBatches += n;
    String records;
    if (start == from && items >= 0) {
      lostRecords += items;
      records = items + " items";
    } else {
      lostBatchesRecordsUnknown += n;
      records = "items unknown";
    }
    log.log(Level.ERROR, "persistent queue: corrupt " + where + "; lost " + n + " unsent "
        + (n == 1 ? "batch" : "batches") + " (" + records + ")");
  }

  /**
   * The position of the next entry header after {@code pos} that checks out and fits where it
   * is: an index not behind the expected one, and no more entries skipped than the skipped bytes
   * could hold, so a header-shaped run of bytes inside a payload is not taken for an entry.
   * -1 when there is none.
   */
  private long resync(MemorySegment m, long pos, long size) {
    for (long q = pos + 1; q + ENTRY_HEADER <= size; q++) {
      if (m.get(ValueLayout.JAVA_BYTE, q) != LogFormat.ENTRY_MAGIC_FIRST) {
        continue;
      }
      EntryHeader h = LogFormat.entryHeader(m, q, crc);
      if (h != null && h.index() >= expectIndex
          && h.index() - expectIndex <= (q - pos) / ENTRY_HEADER
          && (expectItem < 0 || h.firstItem() >= expectItem)) {
        return q;
      }
    }
    return -1;
  }

  /** Whether every byte from {@code from} is zero: space a crash left allocated but unwritten. */
  private static boolean zeros(MemorySegment m, long from, long size) {
    for (long i = from; i < size; i++) {
      if (m.get(ValueLayout.JAVA_BYTE, i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The unsent entries read, in index order. */
  List<PersistentLog.Entry> pending() {
    return pending;
  }

  /** The index after the last entry scanned (read or lost), or -1 if no segment was scanned. */
  long nextIndex() {
    return expectIndex;
  }

  /** The item number after the last entry scanned, or -1 if unknown. */
  long nextItem() {
    return expectItem;
  }

  /** Unsent entries lost to corruption. */
  long lostBatches() {
    return lostBatches;
  }

  /** Items in those of {@link #lostBatches()} whose item count is known. */
  long lostRecords() {
    return lostRecords;
  }

  /** Of {@link #lostBatches()}, those whose item count is unknown. */
  long lostBatchesRecordsUnknown() {
    return lostBatchesRecordsUnknown;
  }

  /** Tails torn by a crash mid-append and truncated (never acknowledged, so not losses). */
  int tornEntries() {
    return tornEntries;
  }
}
