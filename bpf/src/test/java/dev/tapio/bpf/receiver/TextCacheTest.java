package dev.tapio.bpf.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextCacheTest {
  private static TextCache utf8(int slots) {
    return new TextCache(slots, (b, at, len) -> new String(b, at, len, StandardCharsets.UTF_8));
  }

  @Test
  void aRepeatedKeyReturnsTheSameTextWithoutFormattingAgain() {
    TextCache cache = utf8(16);
    byte[] buf = "xxcurlyy".getBytes(StandardCharsets.UTF_8);
    String first = cache.text(buf, 2, 4);
    assertEquals("curl", first);
    byte[] other = "curl".getBytes(StandardCharsets.UTF_8); // same bytes, another array
    assertSame(first, cache.text(other, 0, 4));
    assertEquals(1, cache.misses());
  }

  @Test
  void keysThatDifferOnlyInLengthOrOneByteAreDifferentEntries() {
    TextCache cache = utf8(1); // one slot: every new key overwrites it
    byte[] b = "abcd".getBytes(StandardCharsets.UTF_8);
    assertEquals("abc", cache.text(b, 0, 3));
    assertEquals("abcd", cache.text(b, 0, 4));
    assertEquals("abc", cache.text(b, 0, 3));
    byte[] c = "abce".getBytes(StandardCharsets.UTF_8);
    assertEquals("abce", cache.text(c, 0, 4));
    assertEquals("", cache.text(c, 0, 0));
    assertEquals(5, cache.misses());
  }

  @Test
  void aKeyLongerThanTheLimitIsFormattedEveryTime() {
    TextCache cache = utf8(16);
    byte[] longKey = "a".repeat(TextCache.MAX_KEY + 1).getBytes(StandardCharsets.UTF_8);
    String first = cache.text(longKey, 0, longKey.length);
    String second = cache.text(longKey, 0, longKey.length);
    assertEquals(first, second);
    assertNotSame(first, second);
    assertEquals(2, cache.misses());
  }

  @Test
  void manyKeysStayCorrectWhenSlotsAreShared() {
    TextCache cache = new TextCache(8, (b, at, len) -> (b[at] & 0xff) + "." + (b[at + 1] & 0xff));
    byte[] addr = new byte[2];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 300; i++) {
        addr[0] = (byte) i;
        addr[1] = (byte) (i * 7);
        assertEquals((i & 0xff) + "." + ((i * 7) & 0xff), cache.text(addr, 0, 2));
      }
    }
  }

  @Test
  void slotCountIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> utf8(0));
    assertThrows(IllegalArgumentException.class, () -> utf8(1 << 17));
  }
}
