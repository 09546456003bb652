package dev.tapio.bpf.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongLruCacheTest {

  @Test
  void evictsTheLeastRecentlyUsed() {
    LongLruCache<String> cache = new LongLruCache<>(2);
    cache.put(1, "a");
    cache.put(2, "b");
    assertEquals("a", cache.get(1)); // 2 is now the least recently used
    cache.put(3, "c");
    assertNull(cache.get(2));
    assertEquals("a", cache.get(1));
    assertEquals("c", cache.get(3));
    assertEquals(2, cache.size());
  }

  @Test
  void putOfAPresentKeyReplacesAndRefreshes() {
    LongLruCache<String> cache = new LongLruCache<>(2);
    cache.put(1, "a");
    cache.put(2, "b");
    cache.put(1, "a2");
    cache.put(3, "c");
    assertEquals("a2", cache.get(1));
    assertNull(cache.get(2));
    assertEquals(2, cache.size());
  }

  @Test
  void capacityOne() {
    LongLruCache<String> cache = new LongLruCache<>(1);
    cache.put(Long.MIN_VALUE, "a");
    cache.put(Long.MAX_VALUE, "b");
    assertNull(cache.get(Long.MIN_VALUE));
    assertEquals("b", cache.get(Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new LongLruCache<>(0));
  }

  @Test
  void behavesLikeAnAccessOrderedLinkedHashMap() {
    int capacity = 37;
    LongLruCache<Long> cache = new LongLruCache<>(capacity);
    Map<Long, Long> model = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
        return size() > capacity;
      }
    };
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      // Few distinct keys, colliding in the low bits, so hits, misses and evictions all happen.
      long key = (random.nextInt(100)) << 20;
      if (random.nextBoolean()) {
        assertEquals(model.get(key), cache.get(key), "get " + key + " at step " + i);
      } else {
        cache.put(key, (long) i);
        model.put(key, (long) i);
      }
      assertEquals(model.size(), cache.size());
    }
  }
}
