package dev.tapio.plugin.otlp;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One admitted OTLP/HTTP request: its body collected into one array, every byte of it reserved
 * from the memory budget before it is taken ({@link RequestMemory}), then decompressed, decoded
 * and handed on by a request thread.
 *
 * <p>A body of announced length is reserved whole, with its decoded estimate, when the headers
 * arrive, and read into an array of exactly that size; a chunked body is reserved buffer by
 * buffer as it grows, then topped up to its decoded estimate. A reservation that fails is
 * answered 503 with {@code Retry-After} and counted ({@code reason="memory_budget"}).
 *
 * <p>Whatever is thrown while it is decoded or handed on ({@code OutOfMemoryError} included)
 * is answered 503, so that the client keeps and resends its data, and counted and logged by
 * {@link ReceiverSlot#failed}. The request's reservation, which covered reading and decoding,
 * is given back as the data is handed on: the pipeline charges the data's estimate itself.
 *
 * <p>Threading: {@link #reserve}, {@link #append} and {@link #abandon} on the connection's I/O
 * thread; then {@link #run} once on a request thread (the executor's hand-over publishes the
 * fields). Never both.
 */
final class HttpRequestWork {
  private static final int FIRST_CHUNK = 64 << 10;

  private final OtlpHttpServer server;
  private final ReceiverSlot slot;
  private final boolean json;
  private final String encoding; // "" for none
  private final boolean keepAlive;
  private final HttpHeaders cors; // null: none
  private final RequestMemory memory;
  private final String client; // the peer's IP, or null
  private byte[] body;
  private int length;

  HttpRequestWork(OtlpHttpServer server, ReceiverSlot slot, boolean json,
      String encoding, boolean keepAlive, HttpHeaders cors, String client) {
    this.server = server;
    this.slot = slot;
    this.json = json;
    this.encoding = encoding;
    this.keepAlive = keepAlive;
    this.cors = cors;
    this.client = client;
    this.memory = new RequestMemory(slot.memory(), json);
  }

  boolean json() {
    return json;
  }

  ReceiverSlot slot() {
    return slot;
  }

  /**
   * Reserves the body ({@code declared} bytes with its decoded estimate, or a first buffer when
   * its length is not announced) and makes its array; the answer when the budget refuses.
   */
  FullHttpResponse reserve(long declared) {
    if (declared >= 0) {
      if (!memory.holdBody(declared)) {
        return refusedForMemory();
      }
      body = new byte[(int) declared];
      return null;
    }
    int first = Math.min(FIRST_CHUNK, server.maxBody + 1);
    if (!memory.hold(first)) {
      return refusedForMemory();
    }
    body = new byte[first];
    return null;
  }

  /** Appends a piece of the body; the answer when it cannot (too large, budget refused). */
  FullHttpResponse append(ByteBuf piece) {
    int n = piece.readableBytes();
    if (n == 0) {
      return null;
    }
    long needed = (long) length + n;
    if (needed > server.maxBody) {
      slot.tooLarge.add(1);
      memory.release();
      return tooLarge(json, server.maxBody);
    }
    if (needed > body.length) {
      int grown = (int) Math.min(server.maxBody, Math.max(needed, 2L * body.length));
      if (!memory.hold(Math.max(memory.reserved(), grown))) {
        return refusedForMemory();
      }
      body = Arrays.copyOf(body, grown);
    }
    piece.readBytes(body, length, n);
    length += n;
    return null;
  }

  /** Gives back the reservation of a request that will not be handed on. */
  void abandon() {
    memory.release();
    body = null;
  }

  /** On a request thread: decompress, decode, hand on; then answer through {@code to}. */
  void run(HttpConnection to) {
    FullHttpResponse answer;
    try {
      answer = handle();
    } catch (Throwable t) {
      memory.release(); // before the answer, which needs memory too
      answer = HttpAnswers.retryLater(json, slot.failed(t));
    } finally {
      memory.release();
      body = null;
    }
    if (cors != null) {
      answer.headers().add(cors);
    }
    to.answer(answer, keepAlive);
  }

  private FullHttpResponse handle() {
    byte[] plain = length == body.length ? body : Arrays.copyOf(body, length);
    body = null;
    if (!encoding.isEmpty()) {
      try (InputStream in = Codecs.decompressing(encoding,
          new ByteArrayInputStream(plain))) {
        // Reads one byte past the limit, never more, so a bomb costs at most the limit.
        plain = memory.read(in, server.maxBody, plain.length, -1);
      } catch (IOException | RuntimeException e) {
        // Only the in-memory body is read here: every failure is the body's (aircompressor
        // reports a damaged frame as a RuntimeException).
        slot.malformed.add(1);
        return HttpAnswers.error(json, 400, HttpAnswers.INVALID_ARGUMENT,
            "invalid " + encoding + " body: " + e.getMessage());
      }
      if (plain == null) {
        return refusedForMemory();
      }
      if (plain.length > server.maxBody) {
        slot.tooLarge.add(1);
        return tooLarge(json, server.maxBody);
      }
    }
    // The decoded size is known now: what the request holds until the pipeline has the data.
    if (!memory.holdBody(plain.length)) {
      return refusedForMemory();
    }
    ReceiverSlot.Outcome outcome = slot.deliver(json ? server.jsonDecoder : server.decoder,
        plain, memory, client);
    return switch (outcome.result()) {
      case ACCEPTED -> HttpAnswers.accepted(json);
      case MALFORMED, PERMANENT -> HttpAnswers.error(json, 400, HttpAnswers.INVALID_ARGUMENT,
          outcome.message());
      case RETRYABLE -> HttpAnswers.retryLater(json, outcome.message());
    };
  }

  private FullHttpResponse refusedForMemory() {
    String message = slot.refusedForMemory(memory.budget());
    memory.release();
    return HttpAnswers.retryLater(json, message);
  }

  static FullHttpResponse tooLarge(boolean json, int maxBody) {
    return HttpAnswers.error(json, 413, HttpAnswers.RESOURCE_EXHAUSTED,
        "request body exceeds max_request_body_size (" + maxBody
            + " bytes, after decompression)");
  }
}
