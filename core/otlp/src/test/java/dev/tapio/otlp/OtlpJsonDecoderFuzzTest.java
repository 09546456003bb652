package dev.tapio.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random, mutated and truncated JSON requests into the decoder: every outcome must be a result or
 * an {@link OtlpFormatException}. The mutations are JSON-aware as well as byte-level (tokens
 * swapped for other JSON values, structure characters inserted or deleted, quotes dropped), so
 * that most inputs get past the tokenizer into the field handling. The timeout only catches a
 * hang; the run takes a few seconds.
 */
class OtlpJsonDecoderFuzzTest {
  private static final int INPUTS = 120_000;
  private static final String[] SPLICES = {
    "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-", "0", "1e400", "\"NaN\"", "{}", "[]",
    "\"\"", "\"0102\"", "-9223372036854775809", "18446744073709551616", "1.5", "\"x\"",
    "{\"arrayValue\":{\"values\":[{}]}}", "\\u0000", "\\ud800", "\u00e9", "\"-1\"", "1e-99999",
  };

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void randomAndMutatedInputsOnlyEverFailWithOtlpFormatException() {
    var encoder = new OtlpJsonEncoder();
    DecoderFuzz.run(0x15_0A_7E, INPUTS, 2000, data -> {
      encoder.encode(data);
      return encoder.toByteArray();
    }, OtlpJsonDecoderFuzzTest::mutate,
        input -> new String(input, StandardCharsets.ISO_8859_1),
        new OtlpJsonDecoder(), new OtlpJsonDecoder(2048, 2));
  }

  private static byte[] mutate(byte[] seed, Random random) {
    if (random.nextInt(20) == 0) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] b = seed.clone();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      switch (random.nextInt(7)) {
        case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8)); // bit flip
        case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // truncation
        case 2 -> b = replaceValue(b, random);
        case 3 -> b = splice(b, random.nextInt(b.length + 1),
            SPLICES[random.nextInt(SPLICES.length)].getBytes(StandardCharsets.UTF_8));
        case 4 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256); // random byte
        case 5 -> b = deleteOne(b, random, random.nextBoolean() ? (byte) '"' : (byte) ',');
        default -> { // a byte deleted
          int at = random.nextInt(b.length);
          b = cut(b, at, at + 1);
        }
      }
    }
    return b;
  }

  /** The value after a random key, replaced with another JSON value. */
  private static byte[] replaceValue(byte[] b, Random random) {
    int colon = indexOf(b, (byte) ':', random.nextInt(b.length));
    if (colon < 0) {
      return b;
    }
    int end = colon + 1;
    // The end of a scalar value, or just the opening of a structure (dropped with it).
    if (end < b.length && b[end] == '"') {
      end = indexOf(b, (byte) '"', end + 1) + 1;
      if (end == 0) {
        return b;
      }
    } else {
      while (end < b.length && b[end] != ',' && b[end] != '}' && b[end] != ']') {
        end++;
      }
    }
    byte[] with = SPLICES[random.nextInt(SPLICES.length)].getBytes(StandardCharsets.UTF_8);
    return splice(cut(b, colon + 1, end), colon + 1, with);
  }

  private static byte[] deleteOne(byte[] b, Random random, byte what) {
    int at = indexOf(b, what, random.nextInt(b.length));
    return at < 0 ? b : cut(b, at, at + 1);
  }

  private static int indexOf(byte[] b, byte what, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == what) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] splice(byte[] b, int at, byte[] with) {
    byte[] out = new byte[b.length + with.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(with, 0, out, at, with.length);
    System.arraycopy(b, at, out, at + with.length, b.length - at);
    return out;
  }

  private static byte[] cut(byte[] b, int from, int to) {
    byte[] out = new byte[b.length - (to - from)];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(b, to, out, from, b.length - to);
    return out;
  }
}
