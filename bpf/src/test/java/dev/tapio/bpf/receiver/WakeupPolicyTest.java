package dev.tapio.bpf.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WakeupPolicyTest {
  private static final long POLL = 50_000_000L; // 50 ms
  private static final long RING = 1 << 20;

  private static long at(double eventsPerSecond, double bytesPerRecord) {
    return WakeupPolicy.threshold(eventsPerSecond, eventsPerSecond * bytesPerRecord, 4096,
        POLL, RING);
  }

  @Test
  void oneWakeupPerThreeQuartersOfAMillisecondFromTheFullRateUp() {
    // 100k records/s of 100 bytes: 10 MB/s, a wake-up per 0.75 ms = 7.5 kB.
    assertEquals(7_500, at(100_000, 100));
    // 400k/s: still 0.75 ms, so each wake-up brings 4 times as much.
    assertEquals(30_000, at(400_000, 100));
  }

  @Test
  void belowItTheIntervalGrowsWithTheCubeOfTheRatio() {
    // 50k/s: 0.75 ms × (100k/50k)^3 = 6 ms of 5 MB/s.
    assertEquals(30_000, at(50_000, 100));
    // 30k/s: 0.75 ms × (10/3)^3 = 27.8 ms of 3 MB/s.
    assertEquals(83_333, at(30_000, 100));
  }

  @Test
  void lowRatesWakeOncePerPollTimeout() {
    // 10k/s would be 750 ms: capped at the 50 ms poll timeout (1 MB/s × 50 ms).
    assertEquals(50_000, at(10_000, 100));
    // 20k/s (a DNS agent's queries and answers at 10k queries/s) would be 94 ms: capped too.
    assertEquals(100_000, at(20_000, 100));
    // 10 records/s: 50 bytes per 50 ms, below one record: every record wakes (10 a second).
    assertEquals(50, at(10, 100));
  }

  @Test
  void boundedByAQuarterOfTheRingAndIdleFallsBackToTheConfiguredBytes() {
    assertEquals(RING / 4, at(5_000_000, 200));
    assertEquals(4096, at(0, 0));
    assertEquals(1, WakeupPolicy.threshold(1, 0.001, 4096, POLL, RING));
  }
}
