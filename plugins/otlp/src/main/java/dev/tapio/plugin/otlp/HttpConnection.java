package dev.tapio.plugin.otlp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One OTLP/HTTP connection, a request at a time: its headers are checked as they arrive
 * ({@link HttpRequestCheck}), its body is collected against the memory budget, a request thread
 * decodes and hands it on ({@link HttpRequestWork}), the answer is written, and only then is the
 * next request read. The channel does not read on its own ({@code AUTO_READ} off, and a
 * {@link FlowControlHandler} holding what one read decoded): each read is asked for, so a
 * client that sends faster than it is answered waits in its own socket buffer.
 *
 * <p>Each phase has a deadline ({@link HttpServerLimits}): from a connection's opening or a
 * request's first byte to the end of its headers ({@code read_header_timeout}: closed), to the
 * end of its body ({@code read_timeout}: 408), for the answer to be taken
 * ({@code write_timeout}: closed), and between requests ({@code idle_timeout}: closed).
 *
 * <p>An answer given before the body has been read (401, 413 from Content-Length, 503 for memory,
 * framing errors) ends the connection: it is sent with {@code Connection: close}, the sending
 * side is shut, and what the client still sends is read and thrown away for up to
 * {@value #DRAIN_LIMIT_MIB} MiB or {@value #DRAIN_SECONDS} s, so that the client reads the answer
 * rather than a connection reset (closing a socket with unread data resets it).
 *
 * <p>Threading: every method runs on the connection's I/O thread; the request thread's work
 * comes back to it through {@link #answer}, scheduled on that thread.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
  private static final int DRAIN_LIMIT_MIB = 8;
  private static final long DRAIN_LIMIT = (long) DRAIN_LIMIT_MIB << 20;
  private static final int DRAIN_SECONDS = 5;
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 64 << 10;

  enum Phase { WAITING, HEADERS, BODY, DISCARDING, PROCESSING, WRITING, DRAINING, CLOSED }

  private final OtlpHttpServer server;
  private final HttpServerLimits limits;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.HEADERS;
  private long requestStartNanos;
  private long drained;
  // The deadline of the current phase (0: none) and the timer that checks it.
  private long deadlineNanos;
  private long timerAtNanos;
  private ScheduledFuture<?> timer;
  /** The request being read; null between requests. Handed to a request thread when whole. */
  private HttpRequestWork work;
  /** Messages decoded while a request was being answered, handled after it; null if none. */
  private ArrayDeque<Object> held;

  private HttpConnection(OtlpHttpServer server) {
    this.server = server;
    this.limits = server.config.limits();
  }

  /** Adds a connection's handlers to {@code pipeline}, after TLS if any. */
  static void install(ChannelPipeline pipeline, OtlpHttpServer server) {
    HttpConnection c = new HttpConnection(server);
    pipeline.addLast("bytes", c.new RawBytes());
    pipeline.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_LINE)
        .setMaxHeaderSize(MAX_HEADERS)
        .setMaxChunkSize(64 << 10)));
    pipeline.addLast("otlp", c);
  }

  /**
   * Sees the connection's bytes before they are parsed: the first byte of a request starts its
   * header deadline, and while draining, bytes are counted and thrown away unparsed.
   */
  private final class RawBytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (phase == Phase.DRAINING) {
        if (msg instanceof ByteBuf b) {
          drained += b.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (drained > DRAIN_LIMIT) {
          close();
        }
        return;
      }
      if (phase == Phase.WAITING) {
        phase = Phase.HEADERS;
        requestStartNanos = System.nanoTime();
        deadline(limits.readHeaderTimeout());
      }
      c.fireChannelRead(msg);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    requestStartNanos = System.nanoTime();
    deadline(limits.readHeaderTimeout());
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (phase == Phase.PROCESSING || phase == Phase.WRITING
        || (held != null && !held.isEmpty())) {
      if (held == null) {
        held = new ArrayDeque<>(4);
      }
      held.add(msg);
      return;
    }
    handle(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readIfAwaiting();
    ctx.fireChannelReadComplete();
  }

  /** Asks for the next read while a request is awaited or being read. */
  private void readIfAwaiting() {
    if (phase == Phase.WAITING || phase == Phase.HEADERS || phase == Phase.BODY
        || phase == Phase.DISCARDING) {
      ctx.read();
    }
  }

  private void handle(Object msg) {
    try {
      if (phase == Phase.DRAINING || phase == Phase.CLOSED) {
        return;
      }
      if (msg instanceof HttpRequest request) {
        if (phase == Phase.WAITING) { // read before, with the request it follows
          phase = Phase.HEADERS;
          requestStartNanos = System.nanoTime();
        }
        if (phase != Phase.HEADERS) {
          close(); // a request inside a request: the codec would not produce it
          return;
        }
        onRequest(request);
      }
      if (msg instanceof HttpContent content) {
        if (phase == Phase.BODY) {
          onContent(content);
        } else if (phase == Phase.DISCARDING && content instanceof LastHttpContent) {
          phase = Phase.WAITING; // the refused request is over; its answer is on its way
          deadline(limits.idleTimeout());
        }
      }
    } catch (Throwable t) {
      failed(t);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** After an answer: what a pipelining client sent along, then the socket. */
  private void resume() {
    while (held != null && !held.isEmpty()
        && (phase == Phase.WAITING || phase == Phase.HEADERS || phase == Phase.BODY)) {
      handle(held.poll());
    }
    readIfAwaiting();
  }

  private void onRequest(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      framingError(request.decoderResult().cause());
      return;
    }
    phase = Phase.BODY;
    deadline(limits.readTimeout(), requestStartNanos);
    HttpRequestCheck.Result checked = HttpRequestCheck.check(server, request,
        ReceiverSlot.clientOf(ctx.channel().remoteAddress()));
    if (checked.refusal() != null) {
      boolean bounded = HttpUtil.getContentLength(request, -1L) <= server.maxBody;
      if (bounded && HttpUtil.isKeepAlive(request)
          && !HttpUtil.is100ContinueExpected(request)) {
        answerAndDiscard(checked.refusal());
      } else {
        answerEarly(checked.refusal());
      }
      return;
    }
    work = checked.work();
    if (HttpUtil.is100ContinueExpected(request)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.CONTINUE));
    }
  }

  private void onContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      framingError(content.decoderResult().cause());
      return;
    }
    FullHttpResponse refusal = work.append(content.content());
    if (refusal != null) {
      work = null;
      answerEarly(refusal);
      return;
    }
    if (!(content instanceof LastHttpContent)) {
      return;
    }
    HttpRequestWork whole = work;
    work = null;
    phase = Phase.PROCESSING;
    deadlineNanos = 0;
    server.inFlight.incrementAndGet();
    try {
      server.requests.execute(() -> whole.run(this));
    } catch (RejectedExecutionException e) {
      // The server is stopping.
      server.inFlight.decrementAndGet();
      whole.abandon();
      answerEarly(HttpAnswers.retryLater(whole.json(), "the receiver is stopping; retry"));
    }
  }

  /** Called by a request thread with the answer to the request it took; any thread. */
  void answer(FullHttpResponse response, boolean keepAlive) {
    try {
      ctx.executor().execute(() -> {
        server.inFlight.decrementAndGet();
        if (phase != Phase.PROCESSING) {
          ReferenceCountUtil.release(response);
          return;
        }
        write(response, keepAlive);
      });
    } catch (RejectedExecutionException e) {
      // The I/O threads have stopped (the server is stopping): the connection is gone.
      server.inFlight.decrementAndGet();
      ReferenceCountUtil.release(response);
    }
  }

  private void write(FullHttpResponse response, boolean keepAlive) {
    phase = Phase.WRITING;
    deadline(limits.writeTimeout());
    if (!keepAlive) {
      HttpAnswers.closing(response);
    }
    ctx.writeAndFlush(response).addListener(f -> {
      if (!f.isSuccess() || !keepAlive) {
        close();
        return;
      }
      if (phase == Phase.WRITING) {
        phase = Phase.WAITING;
        deadline(limits.idleTimeout());
        resume();
      }
    });
  }

  /**
   * Answers a request whose body is not (all) read, and ends the connection: answer first, then
   * shut the sending side, then read and discard what still comes (see the class comment).
   */
  private void answerEarly(FullHttpResponse response) {
    if (work != null) {
      work.abandon();
      work = null;
    }
    phase = Phase.WRITING;
    deadline(limits.writeTimeout());
    ctx.writeAndFlush(HttpAnswers.closing(response)).addListener(f -> {
      if (!f.isSuccess() || phase == Phase.CLOSED) {
        close();
        return;
      }
      phase = Phase.DRAINING;
      deadline(Duration.ofSeconds(DRAIN_SECONDS));
      ((SocketChannel) ctx.channel()).shutdownOutput();
      ctx.channel().config().setAutoRead(true);
    });
  }

  /**
   * Answers a request refused on its headers, and keeps the connection: the body the client
   * sends anyway (at most {@code max_request_body_size}) is read and thrown away, and the next
   * request is read after it. Under memory pressure every refusal would otherwise cost the
   * client a new connection, and a TLS handshake.
   */
  private void answerAndDiscard(FullHttpResponse response) {
    phase = Phase.DISCARDING;
    ctx.writeAndFlush(response).addListener(f -> {
      if (!f.isSuccess()) {
        close();
      }
    });
  }

  private void framingError(Throwable cause) {
    FullHttpResponse r;
    if (cause instanceof TooLongHttpLineException) {
      server.counters.lineTooLong.add(1);
      r = HttpAnswers.error(false, 414, HttpAnswers.INVALID_ARGUMENT,
          "request line longer than " + MAX_LINE + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      server.counters.headersTooLarge.add(1);
      r = HttpAnswers.error(false, 431, HttpAnswers.INVALID_ARGUMENT,
          "request headers larger than " + MAX_HEADERS + " bytes");
    } else {
      server.counters.badFraming.add(1);
      r = HttpAnswers.error(false, 400, HttpAnswers.INVALID_ARGUMENT,
          "malformed HTTP/1.1 request: " + cause.getMessage());
    }
    answerEarly(r);
  }

  /** A Throwable on the I/O thread: answered "retry later", counted against the receiver. */
  private void failed(Throwable t) {
    String message = server.failedOutsideReceive(work, t);
    boolean json = work != null && work.json();
    answerEarly(HttpAnswers.retryLater(json, message));
  }

  private void timedOut() {
    switch (phase) {
      case HEADERS -> {
        server.counters.headerTimeout.add(1);
        close();
      }
      case BODY -> {
        server.counters.bodyTimeout.add(1);
        boolean json = work != null && work.json();
        answerEarly(HttpAnswers.error(json, 408, HttpAnswers.DEADLINE_EXCEEDED,
            "request body not received within read_timeout (" + limits.readTimeout() + ")"));
      }
      case WRITING -> {
        server.counters.writeTimeout.add(1);
        close();
      }
      case WAITING, DISCARDING, DRAINING -> close();
      case PROCESSING, CLOSED -> { }
    }
  }

  private void deadline(Duration timeout) {
    deadline(timeout, System.nanoTime());
  }

  /**
   * Sets the current phase's deadline to {@code from + timeout} (none for a zero timeout). One
   * timer per connection: it is moved only when the deadline comes earlier than it.
   */
  private void deadline(Duration timeout, long from) {
    if (timeout.isZero()) {
      deadlineNanos = 0;
      return;
    }
    long at = from + timeout.toNanos();
    deadlineNanos = at == 0 ? 1 : at;
    if (timer != null && timerAtNanos - at <= 0) {
      return; // it fires first, and moves itself on to the deadline
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAtNanos = at;
    timer = ctx.executor().schedule(this::checkDeadline, Math.max(0, at - System.nanoTime()),
        TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    timer = null;
    if (deadlineNanos == 0 || phase == Phase.CLOSED) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      timerAtNanos = deadlineNanos;
      timer = ctx.executor().schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
      return;
    }
    deadlineNanos = 0;
    timedOut();
  }

  private void close() {
    if (phase != Phase.CLOSED) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    phase = Phase.CLOSED;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (work != null) {
      work.abandon();
      work = null;
    }
    if (held != null) {
      held.forEach(ReferenceCountUtil::release);
      held = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset, a failed TLS handshake: the connection is over, nothing to answer. (A request
    // that cannot be parsed is not an exception here: the codec marks it, see framingError.)
    close();
  }
}
