package dev.tapio.bpf.receiver;

import java.util.Arrays;

/**
 * A direct-mapped cache of the text made from short byte strings that repeat from one kernel
 * event to the next (a {@code comm}, an address, a DNS name): a hit returns the same
 * {@code String} as before, so a decoder neither formats nor allocates for it, and the records
 * of a batch share one instance (which the OTLP encoder then reads from a warm cache line).
 *
 * <p>Each slot remembers one key (its bytes copied on a miss) and its text; a miss overwrites
 * the slot, so the memory is bounded by {@code slots} keys of at most {@link #MAX_KEY} bytes. A
 * key longer than that is not cached: the formatter runs every time.
 *
 * <p>Not thread-safe: single-thread use only (the receiver's poll thread).
 */
public final class TextCache {
  /** Longest key cached, in bytes: a {@code comm} is 16, an IPv6 address 16. */
  public static final int MAX_KEY = 64;

  /** Makes the text of {@code length} bytes of {@code bytes} from {@code offset}, on a miss. */
  @FunctionalInterface
  public interface Formatter {
    String format(byte[] bytes, int offset, int length);
  }

  private final byte[][] keys;
  private final int[] lengths;
  private final String[] texts;
  private final int mask;
  private final Formatter formatter;
  private long misses;

  /** A cache of {@code slots} entries (rounded up to a power of two). */
  public TextCache(int slots, Formatter formatter) {
    if (slots < 1 || slots > 1 << 16) {
      throw new IllegalArgumentException("slots must be 1 to 65536, got " + slots);
    }
    int n = Integer.highestOneBit(slots * 2 - 1);
    keys = new byte[n][];
    lengths = new int[n];
    texts = new String[n];
    mask = n - 1;
    this.formatter = formatter;
  }

  /** The text of {@code length} bytes of {@code bytes} from {@code offset}. */
  public String text(byte[] bytes, int offset, int length) {
    if (length > MAX_KEY) {
      misses++;
      return formatter.format(bytes, offset, length);
    }
    int h = length;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = 31 * h + bytes[i];
    }
    int slot = (h * 0x9E3779B1 >>> 16) & mask;
    byte[] key = keys[slot];
    if (key != null && lengths[slot] == length
        && Arrays.equals(key, 0, length, bytes, offset, offset + length)) {
      return texts[slot];
    }
    return miss(slot, bytes, offset, length);
  }

  // Out of line: the hit path above stays small enough to inline into the decoder.
  private String miss(int slot, byte[] bytes, int offset, int length) {
    misses++;
    String text = formatter.format(bytes, offset, length);
    byte[] key = keys[slot];
    if (key == null) {
      key = new byte[MAX_KEY];
      keys[slot] = key;
    }
    System.arraycopy(bytes, offset, key, 0, length);
    lengths[slot] = length;
    texts[slot] = text;
    return text;
  }

  /** Lookups that ran the formatter, since this cache was made. */
  public long misses() {
    return misses;
  }
}
