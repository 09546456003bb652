package dev.tapio.plugin.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SamplerTest {

  /** Textbook FNV-1a 32 in long arithmetic, independent of the implementation under test. */
  private static int reference(byte[] bytes) {
    long h = 2166136261L;
    for (byte b : bytes) {
      h ^= b & 0xFF;
      h = (h * 16777619L) & 0xFFFFFFFFL;
    }
    return (int) h;
  }

  private static byte[] seeded(long seed, byte[] value) {
    byte[] out = new byte[4 + value.length];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) (seed >>> (8 * i));
    }
    System.arraycopy(value, 0, out, 4, value.length);
    return out;
  }

  @Test
  void referenceMatchesThePublishedFnv1aVectors() {
    assertEquals(0x811c9dc5, reference(new byte[0]));
    assertEquals(0xe40c292c, reference("a".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0xbf9cf968, reference("foobar".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void hashesTheSeedLittleEndianThenTheValue() {
    byte[] traceId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 0xFF};
    for (long seed : new long[] {0, 1, 22, 0x3024001, 0xFFFF_FFFFL}) {
      Sampler s = new Sampler(50, seed);
      assertEquals(reference(seeded(seed, traceId)), s.hash(traceId), "seed " + seed);
    }
  }

  @Test
  void hashesStringsAsTheirUtf8Bytes() {
    Sampler s = new Sampler(50, 7);
    for (String value : new String[] {"", "abc", "é", "ü-ß", "日本語", "emoji 😀 end",
        "lone \uD800 surrogate", "\uDC00", "\uD83D"}) {
      assertEquals(reference(seeded(7, value.getBytes(StandardCharsets.UTF_8))),
          s.hash(value), value);
    }
  }

  @Test
  void thresholdFollowsTheCollectorsScaling() {
    assertTrue(new Sampler(0, 0).keepsNone());
    assertTrue(new Sampler(100, 0).keepsAll());
    Sampler tiny = new Sampler(0.001, 0);
    assertTrue(tiny.keepsNone(), "0.001% is below one of 16384 buckets, as in the Collector");
    Sampler half = new Sampler(50, 0);
    assertFalse(half.keepsNone());
    assertFalse(half.keepsAll());
  }
}
