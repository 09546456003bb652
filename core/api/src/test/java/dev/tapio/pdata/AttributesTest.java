package dev.tapio.pdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The hash index of large attribute lists, checked against a LinkedHashMap as the model. */
class AttributesTest {

  @Test
  void insertLookupAndOrderHoldAcrossTheScanLimit() {
    Attributes a = Attributes.create();
    Map<String, Long> model = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      a.putLong("k" + i, i);
      model.put("k" + i, (long) i);
      assertHolds(model, a);
    }
    assertTrue(a.longestProbeRun() > 0, "indexed above the scan limit");
    assertEquals(-1, a.indexOf("k300"));
    assertEquals(-1, a.indexOf(null));
  }

  @Test
  void putReplacesInPlaceWhenIndexed() {
    Attributes a = filled(100);
    a.putString("k40", "forty").putDouble("k99", 0.5).putBool("k0", true)
        .put("k7", AnyValue.ofBytes(new byte[] {7}));
    assertEquals(100, a.size());
    assertEquals(40, a.indexOf("k40"));
    assertEquals("forty", a.getString("k40"));
    assertEquals(ValueType.STRING, a.type(40));
    assertEquals(0.5, a.getDouble("k99", 0));
    assertTrue(a.boolAt(0));
    assertEquals(ValueType.BYTES, a.get("k7").type());
    assertEquals(41, a.getLong("k41", -1));
    a.putString("k41", null); // a null string removes, as before
    assertEquals(99, a.size());
    assertEquals(-1, a.indexOf("k41"));
    assertEquals(41, a.indexOf("k42"));
  }

  @Test
  void removeKeepsOrderAndLookupsRightAndCrossesBackUnderTheLimit() {
    Attributes a = Attributes.create();
    Map<String, Long> model = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      a.putLong("k" + i, i);
      model.put("k" + i, (long) i);
    }
    Random random = new Random(1);
    while (!model.isEmpty()) {
      List<String> present = new ArrayList<>(model.keySet());
      String victim = present.get(random.nextInt(present.size()));
      assertTrue(a.remove(victim));
      assertFalse(a.remove(victim));
      model.remove(victim);
      assertHolds(model, a);
      if (a.size() <= Attributes.SCAN_LIMIT) {
        assertEquals(0, a.longestProbeRun(), "back to scanning at " + a.size());
      }
    }
  }

  @Test
  void randomOperationsMatchALinkedHashMap() {
    Random random = new Random(42);
    Attributes a = Attributes.create();
    Map<String, Long> model = new LinkedHashMap<>();
    int crossings = 0;
    for (int op = 0; op < 20_000; op++) {
      // Puts slightly outnumber removes over 36 keys: the size wanders around 19, across the
      // scan limit both ways.
      String key = "key-" + random.nextInt(36);
      int what = random.nextInt(400);
      boolean wasIndexed = a.size() > Attributes.SCAN_LIMIT;
      if (what < 200) {
        long v = random.nextLong();
        if (!model.containsKey(key) && random.nextBoolean()) {
          a.appendLong(key, v); // absent: appended without a lookup, the index left stale
        } else {
          a.putLong(key, v);
        }
        model.put(key, v);
      } else if (what < 399) {
        assertEquals(model.remove(key) != null, a.remove(key));
      } else {
        a.clear();
        model.clear();
      }
      if (wasIndexed != a.size() > Attributes.SCAN_LIMIT) {
        crossings++;
      }
      assertHolds(model, a);
    }
    assertTrue(crossings > 100, crossings + " crossings");
  }

  /**
   * A decoder's record: distinct keys appended past the scan limit, then read (as the encoder
   * and a read-only tree's readers do), copied, written to by a processor and removed from.
   */
  @Test
  void appendedKeysAreFoundByReadsAndIndexedByTheFirstWrite() {
    Attributes a = Attributes.create();
    Map<String, Long> model = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      a.appendLong("k" + i, i);
      model.put("k" + i, (long) i);
    }
    a.appendString("s", "text").appendDouble("d", 0.25).appendBool("b", true)
        .appendString("absent", null);
    assertEquals(43, a.size());
    assertEquals(-1, a.indexOf("absent"));
    assertEquals("text", a.getString("s"));
    assertEquals(0.25, a.getDouble("d", 0));
    assertTrue(a.getBool("b", false));
    assertEquals(0, a.longestProbeRun(), "no index built by appends or reads");
    a.remove("s");
    a.remove("d");
    a.remove("b");
    assertHolds(model, a);

    Attributes copy = Attributes.create();
    copy.copyFrom(a);
    Map<String, Long> copyModel = new LinkedHashMap<>(model);
    assertHolds(copyModel, copy);

    a.putLong("k5", -5); // replaces in place: the put indexes first
    model.put("k5", -5L);
    a.putLong("new", 1);
    model.put("new", 1L);
    assertTrue(a.longestProbeRun() > 0, "indexed by the first put");
    assertHolds(model, a);
    assertHolds(copyModel, copy); // independent of the puts
    for (int i = 0; i < 30; i++) {
      assertTrue(copy.remove("k" + i));
      copyModel.remove("k" + i);
      assertHolds(copyModel, copy);
    }
  }

  @Test
  void clearedInstancesAreReusedAtEverySize() {
    Attributes a = filled(5_000);
    for (int round = 0; round < 3; round++) {
      a.clear();
      assertEquals(0, a.size());
      assertEquals(-1, a.indexOf("k10"));
      assertEquals(0, a.longestProbeRun());
      int n = new int[] {20, 3, 2_000}[round];
      Map<String, Long> model = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        a.putLong("r" + round + "-" + i, i);
        model.put("r" + round + "-" + i, (long) i);
      }
      assertHolds(model, a);
      assertEquals(-1, a.indexOf("k10"));
    }
  }

  @Test
  void copyFromCarriesTheIndexAndStaysIndependent() {
    Attributes big = filled(1_000);
    Attributes copy = Attributes.create();
    copy.putString("old", "x");
    copy.copyFrom(big);
    assertEquals(1_000, copy.size());
    assertEquals(-1, copy.indexOf("old"));
    assertEquals(500, copy.indexOf("k500"));
    copy.putLong("extra", 1);
    assertTrue(copy.remove("k0"));
    assertEquals(0, big.indexOf("k0"));
    assertEquals(-1, big.indexOf("extra"));
    assertEquals(499, copy.indexOf("k500"));

    Attributes small = filled(3);
    copy.copyFrom(small); // an indexed instance takes a small one: back to scanning
    assertEquals(3, copy.size());
    assertEquals(0, copy.longestProbeRun());
    assertEquals(-1, copy.indexOf("k500"));
    for (int i = 3; i < 50; i++) {
      copy.putLong("k" + i, i);
    }
    assertEquals(30, copy.indexOf("k30"));
    assertEquals(1_000, big.size());

    Logs logs = new Logs();
    LogRecord r = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords()
        .appendEmpty();
    r.attributes().copyFrom(big);
    Logs deep = logs.copy();
    Attributes copied = deep.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0)
        .attributes();
    assertEquals(999, copied.indexOf("k999"));
    copied.putLong("k999", -1);
    assertEquals(999, r.attributes().getLong("k999", 0));
  }

  @Test
  void keysWithEqualHashCodesAreAllKeptAndFoundInBoundedProbes() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    List<String> keys = collidingKeys(13); // 8,192 keys, one String.hashCode
    assertEquals(keys.get(0).hashCode(), keys.get(keys.size() - 1).hashCode());
    Attributes a = Attributes.create();
    Map<String, Long> model = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      a.putLong(keys.get(i), i);
      model.put(keys.get(i), (long) i);
    }
    assertHolds(model, a);
    // One hash for all would make one run of 8,192: the instance switched to the seeded hash.
    assertTrue(a.longestProbeRun() < 100, "longest probe run " + a.longestProbeRun());
    for (int i = 0; i < keys.size(); i += 3) {
      assertTrue(a.remove(keys.get(i)));
      model.remove(keys.get(i));
    }
    a.putString(keys.get(0), "back");
    model.put(keys.get(0), 0L);
    assertEquals(model.size(), a.size());
    assertEquals(a.size() - 1, a.indexOf(keys.get(0)));
    assertEquals(1, a.indexOf(keys.get(2)));
  }

  @Test
  void probesStayShortForManyOrdinaryKeys() {
    Attributes a = Attributes.create();
    for (int i = 0; i < 200_000; i++) {
      a.putLong("attribute.name." + i, i);
    }
    // Every insert and lookup probes at most this many slots, whatever the count: O(1).
    assertTrue(a.longestProbeRun() <= Attributes.MAX_PROBES,
        "longest probe run " + a.longestProbeRun());
    assertEquals(123_456, a.indexOf("attribute.name.123456"));
  }

  @Test
  void insertingTenTimesTheKeysCostsAboutTenTimesTheCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isCurrentThreadCpuTimeSupported());
    String[] keys = new String[100_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + i;
      keys[i].hashCode(); // computed once here, as a decoded key's is on first use
    }
    Attributes a = Attributes.create();
    for (int warm = 0; warm < 20; warm++) {
      insert(a, keys, 10_000);
      insert(a, keys, 100_000);
    }
    // Minimum of several runs: CPU time still counts what the JIT and GC do on this thread.
    long small = Long.MAX_VALUE;
    long large = Long.MAX_VALUE;
    for (int run = 0; run < 7; run++) {
      long t0 = threads.getCurrentThreadCpuTime();
      insert(a, keys, 10_000);
      long t1 = threads.getCurrentThreadCpuTime();
      insert(a, keys, 100_000);
      long t2 = threads.getCurrentThreadCpuTime();
      small = Math.min(small, t1 - t0);
      large = Math.min(large, t2 - t1);
    }
    double ratio = (double) large / Math.max(1, small);
    // Linear is ~10 (a little more as the index outgrows the caches); the old scan was ~100.
    assertTrue(ratio < 40, "100k keys took " + ratio + "x the CPU of 10k: " + large + " vs "
        + small + " ns");
  }

  @Test
  void nullKeysAreRefused() {
    Attributes a = filled(3);
    assertThrows(NullPointerException.class, () -> a.putLong(null, 1));
    assertNull(a.get(null));
    Attributes big = filled(30);
    assertThrows(NullPointerException.class, () -> big.putString(null, "x"));
    assertFalse(big.contains(null));
  }

  private static void insert(Attributes a, String[] keys, int n) {
    a.clear();
    for (int i = 0; i < n; i++) {
      a.putLong(keys[i], i);
    }
    if (a.size() != n) {
      throw new AssertionError(a.size());
    }
  }

  private static Attributes filled(int n) {
    Attributes a = Attributes.create();
    for (int i = 0; i < n; i++) {
      a.putLong("k" + i, i);
    }
    return a;
  }

  /** 2^blocks keys of "Aa" and "BB" blocks: every one has the same String.hashCode. */
  static List<String> collidingKeys(int blocks) {
    List<String> keys = new ArrayList<>(1 << blocks);
    StringBuilder sb = new StringBuilder();
    for (int bitsSet = 0; bitsSet < 1 << blocks; bitsSet++) {
      sb.setLength(0);
      for (int b = 0; b < blocks; b++) {
        sb.append((bitsSet >>> b & 1) == 0 ? "Aa" : "BB");
      }
      keys.add(sb.toString());
    }
    return keys;
  }

  /** {@code a} holds exactly the model's keys, in its order, with its values. */
  private static void assertHolds(Map<String, Long> model, Attributes a) {
    assertEquals(model.size(), a.size());
    int i = 0;
    for (Map.Entry<String, Long> e : model.entrySet()) {
      assertEquals(e.getKey(), a.key(i), "key at " + i);
      assertEquals(i, a.indexOf(e.getKey()), e.getKey());
      assertEquals(e.getValue().longValue(), a.longAt(i));
      i++;
    }
  }
}
