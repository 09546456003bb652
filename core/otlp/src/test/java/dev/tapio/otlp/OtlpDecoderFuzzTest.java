package dev.tapio.otlp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated requests into the decoder: every outcome must be a result or an {@link
 * OtlpFormatException}. The timeout only catches a hang; the run takes a few seconds.
 */
class OtlpDecoderFuzzTest {
  private static final int INPUTS = 120_000;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void randomAndMutatedInputsOnlyEverFailWithOtlpFormatException() {
    var encoder = new OtlpEncoder();
    DecoderFuzz.run(0x7A9107, INPUTS, 1000, data -> {
      encoder.encode(data);
      return encoder.toByteArray();
    }, OtlpDecoderFuzzTest::mutate, HexFormat.of()::formatHex,
        new OtlpDecoder(), new OtlpDecoder(2048, 2));
  }

  private static byte[] mutate(byte[] seed, Random random) {
    if (seed.length == 0 || random.nextInt(10) == 0) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] b = seed.clone();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      switch (random.nextInt(6)) {
        case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8)); // bit flip
        case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // truncation
        case 2 -> { // a length (any byte after a LEN tag) set to something else
          int at = lengthPosition(b, random);
          b[at] = (byte) switch (random.nextInt(4)) {
            case 0 -> 0x7F;
            case 1 -> 0xFF; // now a multi-byte varint eating the payload
            case 2 -> b[at] + 1;
            default -> b[at] - 1;
          };
        }
        case 3 -> { // a huge varint spliced in
          int at = random.nextInt(b.length);
          byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
          byte[] out = new byte[b.length + huge.length];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(huge, 0, out, at, huge.length);
          System.arraycopy(b, at, out, at + huge.length, b.length - at);
          b = out;
        }
        case 4 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256); // random byte
        default -> { // a byte deleted
          int at = random.nextInt(b.length);
          byte[] out = new byte[b.length - 1];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + 1, out, at, b.length - at - 1);
          b = out;
        }
      }
    }
    return b;
  }

  /** A position just after a byte that looks like a length-delimited tag, or anywhere. */
  private static int lengthPosition(byte[] b, Random random) {
    for (int tries = 0; tries < 8; tries++) {
      int at = random.nextInt(b.length);
      if (at + 1 < b.length && (b[at] & 7) == 2) {
        return at + 1;
      }
    }
    return random.nextInt(b.length);
  }
}
