package dev.tapio.plugin.otlp;

import java.util.Arrays;

/**
 * zstd of a request body held in memory, into an output buffer kept from request to request and
 * sized to what bodies compress to. zstd's bound for the input (about the input's own size) is
 * what a one-shot compression allocates: half a megabyte, zeroed, for a frame of
 * 12 KB, on every request, and it is what filled the young generation of an agent sending ten
 * requests a second. libzstd reports a buffer that turns out too small (an exception), and the
 * body is then compressed once more into an array of the bound, while this buffer doubles for the
 * next one.
 *
 * <p>Not thread-safe: one sender at a time, which takes it from a pool and gives it back.
 */
final class ZstdBuffer implements BodyBuffer {
  static final int INITIAL = 32 * 1024;

  private byte[] out = new byte[INITIAL];

  @Override
  public byte[] compress(byte[] in, int n) {
    int bound = Codecs.ZSTD_BLOCKS.maxCompressedLength(n);
    // The pure-Java compressor wants room for the bound; libzstd says when it ran out.
    if (out.length >= bound || Codecs.zstdNative()) {
      int room = Math.min(out.length, bound);
      try {
        return Arrays.copyOf(out, Codecs.ZSTD_BLOCKS.compress(in, 0, n, out, 0, room));
      } catch (IllegalArgumentException tooSmall) {
        if (room == bound) {
          throw tooSmall; // not the buffer: the input itself
        }
        out = new byte[Math.min(bound, out.length * 2)];
      }
    }
    byte[] whole = new byte[bound];
    return Arrays.copyOf(whole, Codecs.ZSTD_BLOCKS.compress(in, 0, n, whole, 0, bound));
  }

  /** The length of the buffer kept between requests (tests). */
  int capacity() {
    return out.length;
  }

  @Override
  public void close() {}
}
