package dev.tapio.plugin.otlp;

import io.airlift.compress.v3.zstd.ZstdInputStream;
import io.airlift.compress.v3.zstd.ZstdOutputStream;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Body compression for both transports: gzip from the JDK and zstd from aircompressor (pure
 * Java), as {@code Content-Encoding} for OTLP/HTTP and as a gRPC message encoding registered on
 * the servers and channels. Decompression is streamed, so that the callers can stop one byte past
 * their limit and a small bomb never inflates into memory. Stateless and thread-safe.
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
    public OutputStream compress(OutputStream os) throws IOException {
      return new ZstdOutputStream(os);
    }

    @Override
    public InputStream decompress(InputStream is) {
      return new ZstdInputStream(is);
    }
  };

  /** gzip and identity (grpc-java's defaults) plus zstd, for channels and servers. */
  static final CompressorRegistry COMPRESSORS;
  static final DecompressorRegistry DECOMPRESSORS =
      DecompressorRegistry.getDefaultInstance().with(ZSTD, true);

  static {
    COMPRESSORS = CompressorRegistry.newEmptyInstance();
    COMPRESSORS.register(new Codec.Gzip());
    COMPRESSORS.register(Codec.Identity.NONE);
    COMPRESSORS.register(ZSTD);
  }

  /** {@code n} bytes of {@code buffer}, compressed, in a new array the caller keeps. */
  static byte[] compress(OtlpHttpExporterConfig.Compression compression, byte[] buffer, int n) {
    if (compression == OtlpHttpExporterConfig.Compression.NONE) {
      return Arrays.copyOf(buffer, n);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, n / 4));
    try (OutputStream c = compression == OtlpHttpExporterConfig.Compression.GZIP
        ? new GZIPOutputStream(out, 8192) : new ZstdOutputStream(out)) {
      c.write(buffer, 0, n);
    } catch (IOException e) {
      throw new UncheckedIOException("compressing into memory failed", e);
    }
    return out.toByteArray();
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
