package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentLogTest {
  private static final System.Logger LOG = System.getLogger("test");

  @TempDir
  Path dir;

  private static byte[] payload(int i) {
    return ("entry-" + i + "-padding-to-make-it-longer").getBytes(StandardCharsets.UTF_8);
  }

  private long segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  @Test
  void outOfOrderCompletionCommitsOnlyTheFinishedPrefixAcrossSegments() throws Exception {
    PersistentLog log = new PersistentLog(dir, true, LOG, 300);
    assertEquals(List.of(), log.open());
    List<PersistentLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] p = payload(i);
      entries.add(log.append(p, p.length, 1));
    }
    long before = segmentFiles();
    assertTrue(before > 10, "rolled into " + before + " segments");
    // Finish 0..49 in reverse, and 60: the committed prefix ends at 50, 60 is still resent.
    for (int i = 49; i >= 0; i--) {
      log.markDone(entries.get(i).index());
    }
    log.markDone(entries.get(60).index());
    assertTrue(segmentFiles() < before, "fully committed segments are deleted");
    byte[] buf = new byte[100];
    log.read(entries.get(77), buf);
    assertEquals(new String(payload(77), StandardCharsets.UTF_8),
        new String(buf, 0, entries.get(77).length(), StandardCharsets.UTF_8));
    log.close();

    PersistentLog reopened = new PersistentLog(dir, true, LOG, 300);
    List<PersistentLog.Entry> pending = reopened.open();
    assertEquals(50, pending.size());
    assertEquals(50, pending.get(0).index());
    assertEquals(99, pending.get(49).index());
    reopened.read(pending.get(0), buf);
    assertEquals(new String(payload(50), StandardCharsets.UTF_8),
        new String(buf, 0, pending.get(0).length(), StandardCharsets.UTF_8));
    // Appends continue after the reloaded entries.
    byte[] p = payload(100);
    assertEquals(100, reopened.append(p, p.length, 1).index());
    assertEquals(0, reopened.lostBatches());
    assertEquals(0, reopened.tornEntries());
    reopened.close();
  }

  @Test
  void aSecondQueueOnTheSameDirectoryIsRefused() throws Exception {
    PersistentLog first = new PersistentLog(dir, true, LOG);
    first.open();
    IOException e = assertThrows(IOException.class, () -> new PersistentLog(dir, true, LOG).open());
    assertTrue(e.getMessage().contains("in use"), e.getMessage());
    first.close();
    new PersistentLog(dir, true, LOG).open();
  }

  @Test
  void aCorruptCommittedSlotFallsBackToTheOtherOne() throws Exception {
    PersistentLog log = new PersistentLog(dir, true, LOG);
    log.open();
    List<PersistentLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] p = payload(i);
      entries.add(log.append(p, p.length, 1));
    }
    log.markDone(0); // slot 1, seq 1: committed 1
    log.markDone(1); // slot 0, seq 2: committed 2
    log.close();
    // Tear the newer slot: the older one says 1, so entry 1 is resent (a duplicate, no loss).
    byte[] meta = Files.readAllBytes(dir.resolve("committed"));
    meta[8] ^= 0x55;
    Files.write(dir.resolve("committed"), meta);
    PersistentLog reopened = new PersistentLog(dir, true, LOG);
    List<PersistentLog.Entry> pending = reopened.open();
    assertEquals(4, pending.size());
    assertEquals(1, pending.get(0).index());
    reopened.close();
  }

  /** Keeps every message logged, to check what a problem is reported as. Thread-safe. */
  static final class RecordingLogger implements System.Logger {
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(level + " " + msg);
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
      lines.add(level + " " + java.text.MessageFormat.format(format, params));
    }

    String all() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }
  }

  private List<PersistentLog.Entry> appendAll(PersistentLog log, int n, int items)
      throws IOException {
    List<PersistentLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] p = payload(i);
      entries.add(log.append(p, p.length, items));
    }
    return entries;
  }

  /** Writes {@code n} entries of {@code items} items to a log in {@code dir}; its one segment. */
  private Path segmentWith(int n, int items) throws IOException {
    PersistentLog log = new PersistentLog(dir, true, LOG);
    log.open();
    appendAll(log, n, items);
    log.close();
    return onlySegment();
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).toList();
      assertEquals(1, segs.size(), "segments: " + segs);
      return segs.get(0);
    }
  }

  private static List<Long> indices(List<PersistentLog.Entry> entries) {
    return entries.stream().map(PersistentLog.Entry::index).toList();
  }

  private static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.range(from, to).boxed().toList();
  }

  @Test
  void aCorruptLastHeaderCostsOneEntryOfUnknownSizeReportedCorruptNotTorn() throws Exception {
    Path segment = segmentWith(10, 5);
    long last = CorruptionTest.entryOffsets(segment).get(9L);
    CorruptionTest.flip(segment, last + 20); // inside the item number

    RecordingLogger messages = new RecordingLogger();
    PersistentLog reopened = new PersistentLog(dir, true, messages);
    assertEquals(range(0, 9), indices(reopened.open()));
    assertEquals(1, reopened.lostBatches());
    assertEquals(0, reopened.lostRecords());
    assertEquals(1, reopened.lostBatchesRecordsUnknown());
    assertEquals(0, reopened.tornEntries());
    String text = messages.all();
    assertTrue(text.contains("corrupt") && text.contains(segment.toString())
        && text.contains("byte " + last), text);
    assertFalse(text.contains("torn"), text);
    // The lost index is not reused: entry 9 stays a gap that counts as done.
    byte[] p = payload(10);
    assertEquals(10, reopened.append(p, p.length, 5).index());
    for (long i = 0; i < 9; i++) {
      reopened.markDone(i);
    }
    reopened.close();

    // Committed past the loss: a later start neither reports it nor resends anything before 10.
    PersistentLog third = new PersistentLog(dir, true, LOG);
    assertEquals(List.of(10L), indices(third.open()));
    assertEquals(0, third.lostBatches());
    third.close();
  }

  @Test
  void aTornTailIsTruncatedAndReportedTornNotLost() throws Exception {
    Path segment = segmentWith(5, 3);
    long size = Files.size(segment);
    try (var ch = java.nio.channels.FileChannel.open(segment,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size - 5); // the last append cut short by a crash
    }
    RecordingLogger messages = new RecordingLogger();
    PersistentLog reopened = new PersistentLog(dir, true, messages);
    assertEquals(range(0, 4), indices(reopened.open()));
    assertEquals(1, reopened.tornEntries());
    assertEquals(0, reopened.lostBatches());
    assertTrue(messages.all().contains("torn"), messages.all());
    assertFalse(messages.all().contains("corrupt"), messages.all());
    assertEquals(CorruptionTest.entryOffsets(segment).get(3L) + LogFormat.ENTRY_HEADER
        + payload(3).length, Files.size(segment), "truncated after the last whole entry");
    // Never acknowledged, so its index is free again.
    byte[] p = payload(4);
    assertEquals(4, reopened.append(p, p.length, 3).index());
    reopened.close();
  }

  @Test
  void corruptionAtASegmentsEndIsCountedFromTheNextSegmentsHeader() throws Exception {
    PersistentLog log = new PersistentLog(dir, true, LOG, 300);
    log.open();
    appendAll(log, 12, 7);
    log.close();
    List<Path> segs;
    try (Stream<Path> s = Files.list(dir)) {
      segs = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
    assertTrue(segs.size() >= 3, "segments: " + segs);
    // The header of the last entry of the first segment: nothing good follows it there.
    var first = CorruptionTest.entryOffsets(segs.get(0));
    long lastOfFirst = first.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    CorruptionTest.flip(segs.get(0), first.get(lastOfFirst) + 2);

    PersistentLog reopened = new PersistentLog(dir, true, LOG, 300);
    List<Long> expected = new ArrayList<>(range(0, 12));
    expected.remove(lastOfFirst);
    assertEquals(expected, indices(reopened.open()));
    assertEquals(1, reopened.lostBatches());
    assertEquals(7, reopened.lostRecords(), "the items, from the next segment's header");
    reopened.close();
  }

  @Test
  void aCorruptSegmentHeaderCostsNothing() throws Exception {
    Path segment = segmentWith(6, 2);
    CorruptionTest.flip(segment, 3);
    PersistentLog reopened = new PersistentLog(dir, true, LOG);
    assertEquals(range(0, 6), indices(reopened.open()));
    assertEquals(0, reopened.lostBatches());
    byte[] p = payload(6);
    PersistentLog.Entry next = reopened.append(p, p.length, 2);
    assertEquals(6, next.index());
    assertTrue(!next.segment().path.equals(segment), "appends go to a segment with a good header");
    reopened.close();
  }

  @Test
  void aFormat1SegmentIsRefusedWithAClearMessage() throws Exception {
    // Format 1: int length, int CRC32C, payload; no segment header, no magic.
    byte[] p = payload(0);
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(p);
    ByteBuffer b = ByteBuffer.allocate(8 + p.length).putInt(p.length).putInt((int) c.getValue())
        .put(p);
    Files.write(dir.resolve("00000000000000000000.seg"), b.array());
    IOException e = assertThrows(IOException.class, () -> new PersistentLog(dir, true, LOG).open());
    assertTrue(e.getMessage().contains("format 1") && e.getMessage().contains("format 2"),
        e.getMessage());
    // The failed open let go of the directory.
    Files.delete(dir.resolve("00000000000000000000.seg"));
    PersistentLog fresh = new PersistentLog(dir, true, LOG);
    assertEquals(List.of(), fresh.open());
    fresh.close();
  }
}
