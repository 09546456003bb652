package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
      entries.add(log.append(p, p.length));
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
    assertEquals(100, reopened.append(p, p.length).index());
    assertEquals(0, reopened.corruptEntries());
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
      entries.add(log.append(p, p.length));
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
}
