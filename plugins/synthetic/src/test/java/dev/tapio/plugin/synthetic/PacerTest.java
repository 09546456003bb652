package dev.tapio.plugin.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacerTest {
  private long now = 1_000_000_000L;

  @Test
  void firstBatchGoesAtOnceThenEachWaitsItsShare() {
    Pacer pacer = new Pacer(1000, 100, () -> now);
    assertEquals(0, pacer.reserve(100));
    assertEquals(100_000_000L, pacer.reserve(100));
    now += 100_000_000L;
    assertEquals(100_000_000L, pacer.reserve(100));
  }

  @Test
  void oversleepingShortensTheNextWaitSoTheAverageHolds() {
    Pacer pacer = new Pacer(1000, 100, () -> now);
    pacer.reserve(100);
    long wait = pacer.reserve(100);
    now += wait + 30_000_000L; // woke 30 ms late
    assertEquals(70_000_000L, pacer.reserve(100));
  }

  @Test
  void averageRateIsExactOverManyBatchesEvenForFractionalIntervals() {
    // 3 records per second: 333,333,333.33 ns per record must not drift.
    Pacer pacer = new Pacer(3, 1, () -> now);
    long start = now;
    for (int i = 0; i < 3000; i++) {
      now += pacer.reserve(1);
    }
    // 3000 records started over 2999 intervals of 1/3 s: the first one goes at once.
    long elapsed = now - start;
    long expected = Math.round(2999 * 1e9 / 3);
    assertEquals(expected, elapsed, 1.0, "elapsed " + elapsed);
  }

  @Test
  void creditAfterAStallIsCappedAtTheBurst() {
    // 10 records/s in batches of 1: one batch is 100 ms, above the 50 ms minimum burst.
    Pacer pacer = new Pacer(10, 1, () -> now);
    pacer.reserve(1);
    now += 10_000_000_000L; // a 10 s stall downstream
    int immediate = 0;
    while (pacer.reserve(1) == 0) {
      immediate++;
    }
    // 100 ms of credit is one record at once, plus the record the stall ended on.
    assertEquals(2, immediate);
  }

  @Test
  void smallBatchesAtHighRatesStillGetTheMinimumBurst() {
    Pacer pacer = new Pacer(1_000_000, 10, () -> now);
    pacer.reserve(10);
    now += 1_000_000_000L;
    int immediateRecords = 0;
    while (pacer.reserve(10) == 0) {
      immediateRecords += 10;
    }
    // 50 ms at 1M/s is 50,000 records, plus the batch the stall ended on.
    assertEquals(50_010, immediateRecords);
  }

  @Test
  void rejectsNonPositiveRates() {
    assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 1, () -> now));
  }
}
