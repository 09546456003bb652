package dev.tapio.plugin.otlp;

/**
 * A compressor of request bodies that keeps its state and output buffer between requests:
 * {@link GzipBuffer}, {@link ZstdBuffer}. Senders take one from a pool per request.
 *
 * <p>Not thread-safe: one sender at a time.
 */
sealed interface BodyBuffer extends AutoCloseable permits GzipBuffer, ZstdBuffer {
  /** {@code n} bytes of {@code in}, compressed, in a new array the caller keeps. */
  byte[] compress(byte[] in, int n);

  /** Frees native state, if any. */
  @Override
  void close();
}
