package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CodecsTest {
  @Test
  void zstdBodiesAreCompressedByTheNativeLibraryOnLinux() {
    String os = System.getProperty("os.name") + " " + System.getProperty("os.arch");
    Assumptions.assumeTrue(os.startsWith("Linux ") && (os.endsWith("amd64")
        || os.endsWith("aarch64")), () -> {
          System.out.println("skipped: aircompressor ships libzstd for Linux only, this is " + os);
          return "not Linux amd64/aarch64: " + os;
        });
    assertTrue(Codecs.zstdNative(), "libzstd did not load here (see the warning logged)");
  }

  @Test
  void zstdFramesOfEverySizeAreReadBackByTheReferenceLibraryAndOurOwnStream()
      throws IOException {
    Random random = new Random(11);
    byte[] repetitive = "network.peer.address=127.0.0.1 network.peer.port=8080 "
        .repeat(40_000).getBytes(StandardCharsets.US_ASCII);
    byte[] noise = new byte[3 << 20];
    random.nextBytes(noise);
    for (int n : new int[] {0, 1, 100, 70_000, repetitive.length, 5, noise.length, 12}) {
      byte[] in = n <= repetitive.length && n != noise.length ? repetitive : noise;
      byte[] frame = Codecs.zstd(in, n);
      byte[] expected = Arrays.copyOf(in, n);
      assertArrayEquals(expected, Zstd.decompress(frame, n), "zstd-jni, n=" + n);
      try (InputStream s = Codecs.decompressing("zstd", new ByteArrayInputStream(frame))) {
        assertArrayEquals(expected, s.readAllBytes(), "aircompressor's stream, n=" + n);
      }
    }
    byte[] small = Codecs.zstd(repetitive, repetitive.length);
    assertTrue(small.length < repetitive.length / 100, "compressed to " + small.length);
  }

  /**
   * A sender's buffer: frames that fit it, and frames that do not (random bytes), which are
   * compressed again into an array of zstd's bound while the kept buffer only doubles.
   */
  @Test
  void aKeptZstdBufferCompressesBodiesLargerThanItselfAndGrowsByDoubling() throws IOException {
    Random random = new Random(12);
    byte[] repetitive = "dns.question.name=example.com. dns.answers=93.184.216.34 "
        .repeat(20_000).getBytes(StandardCharsets.US_ASCII);
    byte[] noise = new byte[200_000];
    random.nextBytes(noise);
    ZstdBuffer buffer = new ZstdBuffer();
    int[] sizes = {repetitive.length, 0, noise.length, 1, repetitive.length, noise.length};
    for (int round = 0; round < sizes.length; round++) {
      int n = sizes[round];
      byte[] in = round == 2 || round == 5 ? noise : repetitive;
      int before = buffer.capacity();
      byte[] frame = buffer.compress(in, n);
      assertArrayEquals(Arrays.copyOf(in, n), Zstd.decompress(frame, n), "round " + round);
      if (round == 2 && Codecs.zstdNative()) {
        assertEquals(2 * before, buffer.capacity(), "doubled, not grown to the bound");
      }
    }
    assertTrue(buffer.capacity() < noise.length, "kept " + buffer.capacity() + " bytes");
  }
}
