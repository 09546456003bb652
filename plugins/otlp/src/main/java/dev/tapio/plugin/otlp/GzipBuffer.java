package dev.tapio.plugin.otlp;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) of a request body held in memory, with one {@link Deflater} and one output
 * buffer kept from request to request. A {@code GZIPOutputStream} per request sets up zlib's
 * state (a few hundred KB of native memory) every time and grows a {@code ByteArrayOutputStream}
 * by copies; here the deflater is only reset, and the body is compressed in one call into a
 * buffer that has reached the size requests need.
 *
 * <p>Not thread-safe: one sender at a time, which takes it from a pool and gives it back.
 * {@link #close} frees the native state; a buffer dropped without it is freed by the deflater's
 * cleaner.
 */
final class GzipBuffer implements BodyBuffer {
  /** Magic, deflate, no flags, no time, no extra flags, OS "unknown". */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int TRAILER = 8;

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private byte[] out = new byte[16 * 1024];

  GzipBuffer(int level) {
    deflater = new Deflater(level, true); // raw deflate: the gzip framing is written here
  }

  @Override
  public byte[] compress(byte[] in, int n) {
    deflater.reset();
    deflater.setInput(in, 0, n);
    deflater.finish();
    crc.reset();
    crc.update(in, 0, n);
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int pos = HEADER.length;
    while (true) {
      pos += deflater.deflate(out, pos, out.length - pos);
      if (deflater.finished()) {
        break;
      }
      out = Arrays.copyOf(out, out.length * 2);
    }
    if (out.length - pos < TRAILER) {
      out = Arrays.copyOf(out, pos + TRAILER);
    }
    putIntLe(pos, (int) crc.getValue());
    putIntLe(pos + 4, n); // ISIZE: the input length modulo 2^32
    return Arrays.copyOf(out, pos + TRAILER);
  }

  private void putIntLe(int at, int value) {
    out[at] = (byte) value;
    out[at + 1] = (byte) (value >>> 8);
    out[at + 2] = (byte) (value >>> 16);
    out[at + 3] = (byte) (value >>> 24);
  }

  @Override
  public void close() {
    deflater.end();
  }
}
