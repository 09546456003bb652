package dev.tapio.plugin.otlp;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The OTLP/HTTP answers: an empty {@code Export*ServiceResponse} for success, and for every
 * error a {@code google.rpc.Status} body in the request's encoding (JSON for a JSON request,
 * protobuf otherwise), as the OTLP/HTTP specification asks. Stateless.
 */
final class HttpAnswers {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  // google.rpc.Code values for the Status body.
  static final int INVALID_ARGUMENT = 3;
  static final int NOT_FOUND = 5;
  static final int RESOURCE_EXHAUSTED = 8;
  static final int UNIMPLEMENTED = 12;
  static final int UNAVAILABLE = 14;
  static final int UNAUTHENTICATED = 16;
  static final int DEADLINE_EXCEEDED = 4;
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);

  private HttpAnswers() {}

  /** 200 with an empty response: zero bytes of protobuf (no partial success), or {@code {}}. */
  static FullHttpResponse accepted(boolean json) {
    byte[] body = json ? EMPTY_JSON : new byte[0];
    return response(HttpResponseStatus.OK, json ? JSON : PROTOBUF, body);
  }

  /** An error answer with a {@code google.rpc.Status} body. */
  static FullHttpResponse error(boolean json, int httpStatus, int code, String message) {
    byte[] body = json ? jsonStatus(code, message) : status(code, message);
    return response(HttpResponseStatus.valueOf(httpStatus), json ? JSON : PROTOBUF, body);
  }

  /** 503 with {@code Retry-After}: the client keeps its data and sends it again. */
  static FullHttpResponse retryLater(boolean json, String message) {
    FullHttpResponse r = error(json, 503, UNAVAILABLE, message);
    r.headers().set(HttpHeaderNames.RETRY_AFTER, OtlpHttpServer.RETRY_AFTER_SECONDS);
    return r;
  }

  /** A body-less answer (a CORS preflight). */
  static FullHttpResponse empty(int httpStatus) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(httpStatus), Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    return r;
  }

  /** Marks an answer as the connection's last. */
  static FullHttpResponse closing(FullHttpResponse r) {
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return r;
  }

  /** {@code google.rpc.Status} in the proto3 JSON mapping. */
  static byte[] jsonStatus(int code, String message) {
    StringBuilder out = new StringBuilder(message.length() + 32).append("{\"code\":")
        .append(code).append(",\"message\":\"");
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code google.rpc.Status{code = 1, message = 2}} in protobuf. */
  static byte[] status(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[1 + 5 + 1 + 5 + text.length];
    int pos = 0;
    out[pos++] = 1 << 3;
    pos = varint(out, pos, code);
    out[pos++] = 2 << 3 | 2;
    pos = varint(out, pos, text.length);
    System.arraycopy(text, 0, out, pos, text.length);
    return Arrays.copyOf(out, pos + text.length);
  }

  private static int varint(byte[] out, int pos, int value) {
    while ((value & ~0x7F) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }
}
