package dev.tapio.plugin.otlp;

import io.airlift.compress.v3.zstd.ZstdCompressor;
import io.airlift.compress.v3.zstd.ZstdInputStream;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdNativeCompressor;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Body compression for both transports: gzip from the JDK and zstd from aircompressor, as
 * {@code Content-Encoding} for OTLP/HTTP and as a gRPC message encoding registered on the servers
 * and channels. Decompression is streamed, so that the callers can stop one byte past their limit
 * and a small bomb never inflates into memory. Stateless and thread-safe.
 *
 * <p>zstd frames are compressed by libzstd through aircompressor's FFM binding (the library ships
 * in the plugin jar for Linux on amd64, aarch64 and ppc64le and is unpacked into the temporary
 * directory when first used): on a request of the network receiver's records about twice as fast
 * as aircompressor's pure-Java compressor and 3 times as fast as gzip at level 1, for a body a
 * third smaller (benchmarks/README.md, CompressionBenchmark). Where it cannot load (another
 * platform, no writable temporary directory), the pure-Java compressor writes the same format and
 * a warning says why.
 */
final class Codecs {
  private Codecs() {}

  /** gRPC's {@code zstd} message encoding. */
  static final Codec ZSTD = new Codec() {
    @Override
    public String getMessageEncoding() {
      return "zstd";
    }

    @Override
    public OutputStream compress(OutputStream os) {
      // Buffers the message and writes one frame with the block compressor at close: the
      // streaming compressor would set up megabytes of tables per message.
      return new ByteArrayOutputStream() {
        @Override
        public void close() throws IOException {
          byte[] frame = zstd(buf, count);
          os.write(frame);
          os.close();
        }
      };
    }

    @Override
    public InputStream decompress(InputStream is) {
      return new ZstdInputStream(is);
    }
  };

  /** gzip (default level) and identity, grpc-java's defaults, plus zstd: for the servers. */
  static final CompressorRegistry COMPRESSORS = compressors(Deflater.DEFAULT_COMPRESSION);
  static final DecompressorRegistry DECOMPRESSORS =
      DecompressorRegistry.getDefaultInstance().with(ZSTD, true);

  /** The gzip level an exporter uses unless {@code compression_params.level} says otherwise. */
  static final int DEFAULT_GZIP_LEVEL = Deflater.BEST_SPEED;

  private static final Logger LOGGER = Logger.getLogger(Codecs.class.getName());

  /** zstd's own default level (3), as the native compressor's constructor without one takes. */
  static final ZstdCompressor ZSTD_BLOCKS = zstdCompressor();

  private static ZstdCompressor zstdCompressor() {
    try {
      return new ZstdNativeCompressor(); // throws when libzstd did not load, with the reason
    } catch (IllegalStateException | LinkageError e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      LOGGER.log(Level.WARNING, "zstd: libzstd did not load (" + why.getMessage() + ");"
          + " compressing with aircompressor's pure-Java zstd instead, about half as fast");
      return new ZstdJavaCompressor();
    }
  }

  /** Whether zstd frames are compressed by the native libzstd (tests and logs). */
  static boolean zstdNative() {
    return ZSTD_BLOCKS instanceof ZstdNativeCompressor;
  }

  /** A channel's compressors: gzip at {@code gzipLevel}, identity and zstd. */
  static CompressorRegistry compressors(int gzipLevel) {
    CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
    registry.register(new Codec() {
      @Override
      public String getMessageEncoding() {
        return "gzip";
      }

      @Override
      public OutputStream compress(OutputStream os) throws IOException {
        return gzip(os, gzipLevel);
      }

      @Override
      public InputStream decompress(InputStream is) throws IOException {
        return new GZIPInputStream(is);
      }
    });
    registry.register(Codec.Identity.NONE);
    registry.register(ZSTD);
    return registry;
  }

  private static OutputStream gzip(OutputStream out, int level) throws IOException {
    return new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    };
  }

  /** gRPC's message compression runs on a few transport and caller threads: one buffer each. */
  private static final ThreadLocal<ZstdBuffer> ZSTD_BUFFERS =
      ThreadLocal.withInitial(ZstdBuffer::new);

  /**
   * {@code n} bytes of {@code buffer} as one zstd frame, in a new array the caller keeps, through
   * this thread's {@link ZstdBuffer}. The block compressor sizes its tables to the input: the
   * streaming one sets up megabytes of them per message. Senders that pool their own buffers
   * (OtlpHttpExporter) call a {@link ZstdBuffer} directly.
   */
  static byte[] zstd(byte[] buffer, int n) {
    return ZSTD_BUFFERS.get().compress(buffer, n);
  }

  /**
   * A stream of {@code body} decompressed per {@code encoding} ({@code gzip} or {@code zstd});
   * reading it throws {@link IOException} when the body is not valid in that encoding.
   */
  static InputStream decompressing(String encoding, InputStream body) throws IOException {
    return switch (encoding) {
      case "gzip" -> new GZIPInputStream(body);
      case "zstd" -> new ZstdInputStream(body);
      default -> throw new IllegalArgumentException("unsupported encoding " + encoding);
    };
  }
}
