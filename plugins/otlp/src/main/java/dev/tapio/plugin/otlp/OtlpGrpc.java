package dev.tapio.plugin.otlp;

import dev.tapio.component.Signal;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The OTLP/gRPC wire pieces shared by the receiver and the exporter: the three {@code Export}
 * methods with messages as raw {@code byte[]} (encoded and decoded by {@code dev.tapio.otlp}, so
 * no protobuf-java classes are involved), and the {@code google.rpc.Status} with a
 * {@code RetryInfo} detail carried in the {@code grpc-status-details-bin} trailer. Stateless.
 */
final class OtlpGrpc {
  private OtlpGrpc() {}

  /** An empty {@code Export*ServiceResponse} (no partial success) is zero bytes. */
  static final byte[] EMPTY = new byte[0];

  static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private static final String RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";

  /** Messages pass through as the bytes on the wire. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static final MethodDescriptor<byte[], byte[]> LOGS = method("logs", "LogsService");
  private static final MethodDescriptor<byte[], byte[]> METRICS =
      method("metrics", "MetricsService");
  private static final MethodDescriptor<byte[], byte[]> TRACES = method("trace", "TraceService");

  static MethodDescriptor<byte[], byte[]> method(Signal signal) {
    return switch (signal) {
      case LOGS -> LOGS;
      case METRICS -> METRICS;
      case TRACES -> TRACES;
    };
  }

  private static MethodDescriptor<byte[], byte[]> method(String pkg, String service) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(
            "opentelemetry.proto.collector." + pkg + ".v1." + service, "Export"))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /**
   * {@code google.rpc.Status{code, message, details: [Any{RetryInfo{retry_delay: seconds}}]}}.
   */
  static byte[] statusWithRetryInfo(int code, String message, int retryDelaySeconds) {
    // Duration{seconds = 1} inside RetryInfo{retry_delay = 1} inside Any{type_url = 1, value = 2}.
    byte[] duration = concat(tag(1, 0), varint(retryDelaySeconds));
    byte[] retryInfo = lengthDelimited(1, duration);
    byte[] any = concat(lengthDelimited(1, RETRY_INFO_TYPE.getBytes(StandardCharsets.UTF_8)),
        lengthDelimited(2, retryInfo));
    return concat(tag(1, 0), varint(code),
        lengthDelimited(2, message.getBytes(StandardCharsets.UTF_8)), lengthDelimited(3, any));
  }

  /**
   * The {@code RetryInfo.retry_delay} of a {@code grpc-status-details-bin} value in nanoseconds;
   * -1 when absent or unreadable (it only tunes the wait, so reading is lenient).
   */
  static long retryDelayNanos(byte[] status) {
    if (status == null) {
      return -1;
    }
    try {
      Reader s = new Reader(status, 0, status.length);
      while (s.more()) {
        int tag = s.tag();
        if (tag == (3 << 3 | 2)) {
          Reader any = s.message();
          String type = null;
          Reader value = null;
          while (any.more()) {
            int t = any.tag();
            if (t == (1 << 3 | 2)) {
              Reader r = any.message();
              type = new String(status, r.pos, r.end - r.pos, StandardCharsets.UTF_8);
            } else if (t == (2 << 3 | 2)) {
              value = any.message();
            } else {
              any.skip(t);
            }
          }
          if (RETRY_INFO_TYPE.equals(type) && value != null) {
            return retryInfoNanos(value);
          }
        } else {
          s.skip(tag);
        }
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      return -1;
    }
    return -1;
  }

  private static long retryInfoNanos(Reader retryInfo) {
    while (retryInfo.more()) {
      int t = retryInfo.tag();
      if (t == (1 << 3 | 2)) {
        Reader d = retryInfo.message();
        long seconds = 0;
        long nanos = 0;
        while (d.more()) {
          int dt = d.tag();
          if (dt == (1 << 3)) {
            seconds = d.varint();
          } else if (dt == (2 << 3)) {
            nanos = d.varint();
          } else {
            d.skip(dt);
          }
        }
        if (seconds < 0 || seconds > 86_400 || nanos < 0) {
          return -1;
        }
        return seconds * 1_000_000_000L + nanos;
      }
      retryInfo.skip(t);
    }
    return -1;
  }

  /** A bounds-checked protobuf reader over {@code [pos, end)}; throws on malformed input. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int tag() {
      return (int) varint();
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    Reader message() {
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw new IllegalArgumentException("bad length");
      }
      Reader r = new Reader(b, pos, pos + (int) n);
      pos += (int) n;
      return r;
    }

    void skip(int tag) {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> message();
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("wire type " + (tag & 7));
      }
      if (pos > end) {
        throw new IllegalArgumentException("truncated");
      }
    }
  }

  private static byte[] tag(int field, int wireType) {
    return varint(field << 3 | wireType);
  }

  private static byte[] lengthDelimited(int field, byte[] value) {
    return concat(tag(field, 2), varint(value.length), value);
  }

  private static byte[] varint(long value) {
    byte[] out = new byte[10];
    int n = 0;
    while ((value & ~0x7FL) != 0) {
      out[n++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[n++] = (byte) value;
    return Arrays.copyOf(out, n);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
