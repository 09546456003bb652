package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipBufferTest {
  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void oneBufferCompressesRequestsOfEverySizeInTurnAndTheJdkReadsThemBack() throws IOException {
    Random random = new Random(7);
    byte[] repetitive = "network.peer.address=127.0.0.1 network.peer.port=8080 "
        .repeat(40_000).getBytes(StandardCharsets.US_ASCII);
    byte[] noise = new byte[3 << 20];
    random.nextBytes(noise); // incompressible: the output outgrows the buffer several times
    try (GzipBuffer gzip = new GzipBuffer(Deflater.BEST_SPEED)) {
      for (int n : new int[] {0, 1, 100, 70_000, repetitive.length, 5, noise.length, 12}) {
        byte[] in = n <= repetitive.length && n != noise.length ? repetitive : noise;
        byte[] gz = gzip.compress(in, n);
        assertArrayEquals(java.util.Arrays.copyOf(in, n), gunzip(gz), "n=" + n);
      }
      byte[] small = gzip.compress(repetitive, repetitive.length);
      assertTrue(small.length < repetitive.length / 50, "compressed to " + small.length);
    }
  }
}
