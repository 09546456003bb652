package dev.tapio.bpf.receiver;

import java.util.Arrays;

/**
 * A bounded least-recently-used map from {@code long} keys to values, for caches consulted once
 * per kernel event: lookups and inserts neither box the key nor allocate (a {@code
 * LinkedHashMap<Long, V>} would box every cgroup id, which is beyond the {@code Long} cache).
 *
 * <p>Entries live in fixed slots ({@code capacity} of them), chained into hash buckets and into
 * one recency list by index arrays. When full, {@link #put} reuses the least recently used slot.
 *
 * <p>Not thread-safe: single-thread use only (the receiver's poll thread).
 *
 * @param <V> the value type
 */
final class LongLruCache<V> {
  private static final int NONE = -1;

  private final long[] keys;
  private final Object[] values;
  private final int[] bucketNext;
  private final int[] newer;
  private final int[] older;
  private final int[] buckets;
  private final int mask;
  private int size;
  private int newest = NONE;
  private int oldest = NONE;

  LongLruCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    keys = new long[capacity];
    values = new Object[capacity];
    bucketNext = new int[capacity];
    newer = new int[capacity];
    older = new int[capacity];
    // Twice the entries, rounded to a power of two: short chains, and a mask instead of a modulo.
    int bucketCount = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    buckets = new int[bucketCount];
    Arrays.fill(buckets, NONE);
    mask = bucketCount - 1;
  }

  int size() {
    return size;
  }

  int capacity() {
    return keys.length;
  }

  /** The value for {@code key}, now the most recently used, or null. */
  @SuppressWarnings("unchecked")
  V get(long key) {
    int slot = find(key);
    if (slot == NONE) {
      return null;
    }
    touch(slot);
    return (V) values[slot];
  }

  /** Maps {@code key} to {@code value}, evicting the least recently used entry when full. */
  void put(long key, V value) {
    int slot = find(key);
    if (slot == NONE) {
      if (size < keys.length) {
        slot = size++;
      } else {
        slot = oldest;
        unlinkBucket(slot);
        unlinkRecency(slot);
      }
      keys[slot] = key;
      int b = bucket(key);
      bucketNext[slot] = buckets[b];
      buckets[b] = slot;
      linkNewest(slot);
    } else {
      touch(slot);
    }
    values[slot] = value;
  }

  private int find(long key) {
    for (int s = buckets[bucket(key)]; s != NONE; s = bucketNext[s]) {
      if (keys[s] == key) {
        return s;
      }
    }
    return NONE;
  }

  private int bucket(long key) {
    // Cgroup ids are inode-like counters; mix the bits so neighbours spread over buckets.
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void unlinkBucket(int slot) {
    int b = bucket(keys[slot]);
    if (buckets[b] == slot) {
      buckets[b] = bucketNext[slot];
      return;
    }
    for (int s = buckets[b]; s != NONE; s = bucketNext[s]) {
      if (bucketNext[s] == slot) {
        bucketNext[s] = bucketNext[slot];
        return;
      }
    }
  }

  private void touch(int slot) {
    if (slot != newest) {
      unlinkRecency(slot);
      linkNewest(slot);
    }
  }

  private void unlinkRecency(int slot) {
    int n = newer[slot];
    int o = older[slot];
    if (n == NONE) {
      newest = o;
    } else {
      older[n] = o;
    }
    if (o == NONE) {
      oldest = n;
    } else {
      newer[o] = n;
    }
  }

  private void linkNewest(int slot) {
    older[slot] = newest;
    newer[slot] = NONE;
    if (newest != NONE) {
      newer[newest] = slot;
    }
    newest = slot;
    if (oldest == NONE) {
      oldest = slot;
    }
  }
}
