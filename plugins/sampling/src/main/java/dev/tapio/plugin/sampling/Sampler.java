package dev.tapio.plugin.sampling;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The sampling decision, the Collector's {@code hash_seed} mode: FNV-1a (32 bit) over the seed's
 * four bytes (little-endian) and then the value's bytes; the low 14 bits pick one of 16384
 * buckets, and buckets below {@code (int) (percentage * 16384 / 100)} are kept. The same seed
 * therefore gives the same decision for the same trace id or attribute value here and in a
 * Collector, so that agents and gateways sampling one trace agree.
 *
 * <p>Immutable and thread-safe; no method allocates.
 */
final class Sampler {
  static final int BUCKETS = 0x4000;
  private static final int BUCKET_MASK = BUCKETS - 1;
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private final int threshold;
  private final int seededBasis;

  Sampler(double percentage, long seed) {
    this.threshold = (int) (percentage * (BUCKETS / 100.0));
    int h = FNV_OFFSET;
    for (int i = 0; i < 4; i++) {
      h = step(h, (int) (seed >>> (8 * i)));
    }
    this.seededBasis = h;
  }

  /** Keeps nothing: decisions need no hashing. */
  boolean keepsNone() {
    return threshold <= 0;
  }

  /** Keeps everything. */
  boolean keepsAll() {
    return threshold >= BUCKETS;
  }

  boolean keep(byte[] id) {
    return (hash(id) & BUCKET_MASK) < threshold;
  }

  boolean keep(String value) {
    return (hash(value) & BUCKET_MASK) < threshold;
  }

  boolean keepRandomly() {
    return ThreadLocalRandom.current().nextInt(BUCKETS) < threshold;
  }

  int hash(byte[] bytes) {
    int h = seededBasis;
    for (byte b : bytes) {
      h = step(h, b);
    }
    return h;
  }

  /** The hash of the string's UTF-8 bytes, encoded on the fly to avoid a byte array. */
  int hash(String s) {
    int h = seededBasis;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = step(h, c);
      } else if (c < 0x800) {
        h = step(h, 0xC0 | c >> 6);
        h = step(h, 0x80 | c & 0x3F);
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          h = step(h, 0xF0 | cp >> 18);
          h = step(h, 0x80 | cp >> 12 & 0x3F);
          h = step(h, 0x80 | cp >> 6 & 0x3F);
          h = step(h, 0x80 | cp & 0x3F);
        } else {
          // A lone surrogate: what String.getBytes(UTF_8) writes for it.
          h = step(h, '?');
        }
      } else {
        h = step(h, 0xE0 | c >> 12);
        h = step(h, 0x80 | c >> 6 & 0x3F);
        h = step(h, 0x80 | c & 0x3F);
      }
    }
    return h;
  }

  private static int step(int h, int b) {
    return (h ^ (b & 0xFF)) * FNV_PRIME;
  }
}
