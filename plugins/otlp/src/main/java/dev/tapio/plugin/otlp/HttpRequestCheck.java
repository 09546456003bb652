package dev.tapio.plugin.otlp;

import dev.tapio.component.Signal;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;

/**
 * What an OTLP/HTTP request's headers decide before a byte of its body is read, in the order
 * the Collector decides it: CORS preflight, credentials (an unauthenticated client learns
 * nothing, not even which paths exist), path, method, the signal's receiver, content type and
 * encoding, the announced size (413 at once), and the memory budget for the body (503). Runs on
 * the connection's I/O thread, so the authenticator must answer from what it holds (see
 * {@link dev.tapio.auth.ServerAuthenticator}). Stateless.
 */
final class HttpRequestCheck {

  /** Either the request's work, its body still to read, or the answer refusing it. */
  record Result(HttpRequestWork work, FullHttpResponse refusal) {}

  private HttpRequestCheck() {}

  static Result check(OtlpHttpServer server, HttpRequest request, String client) {
    HttpHeaders in = request.headers();
    boolean json = HttpAnswers.JSON.equals(mediaType(in.get(HttpHeaderNames.CONTENT_TYPE)));
    // Only for an allowed origin: most gateways have no CORS, and need no headers per request.
    HttpHeaders cors = server.config.cors().enabled() ? new DefaultHttpHeaders()
        : EmptyHttpHeaders.INSTANCE;
    FullHttpResponse preflight = cors(server.config.cors(), request, cors);
    if (preflight != null) {
      return refused(preflight, cors);
    }
    if (server.auth != null && !server.auth.authenticate(in::get)) {
      FullHttpResponse r = HttpAnswers.error(json, 401, HttpAnswers.UNAUTHENTICATED,
          "missing or invalid credentials");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, server.auth.challenge());
      return refused(r, cors);
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    Signal signal = server.routes.get(path);
    var config = server.config;
    if (signal == null) {
      return refused(HttpAnswers.error(json, 404, HttpAnswers.NOT_FOUND, "unknown path "
          + path + "; OTLP/HTTP paths are " + config.logsUrlPath() + ", "
          + config.metricsUrlPath() + " and " + config.tracesUrlPath()), cors);
    }
    if (!HttpMethod.POST.equals(request.method())) {
      FullHttpResponse r = HttpAnswers.error(json, 405, HttpAnswers.UNIMPLEMENTED,
          request.method() + " is not allowed on " + path + "; use POST");
      r.headers().set(HttpHeaderNames.ALLOW, "POST");
      return refused(r, cors);
    }
    ReceiverSlot slot = server.slots.get(signal);
    if (slot == null) {
      boolean forNow = server.slots.absentForNow(signal);
      FullHttpResponse r = forNow
          ? HttpAnswers.retryLater(json, SignalSlots.absence(signal, true))
          : HttpAnswers.error(json, 404, HttpAnswers.NOT_FOUND,
              SignalSlots.absence(signal, false));
      return refused(r, cors);
    }
    String type = mediaType(in.get(HttpHeaderNames.CONTENT_TYPE));
    if (!json && !HttpAnswers.PROTOBUF.equals(type)) {
      slot.unsupported.add(1);
      return refused(HttpAnswers.error(json, 415, HttpAnswers.INVALID_ARGUMENT,
          "unsupported content type '" + type
              + "'; application/x-protobuf and application/json are supported"), cors);
    }
    String encoding = mediaType(in.get(HttpHeaderNames.CONTENT_ENCODING));
    if ("identity".equals(encoding)) {
      encoding = "";
    }
    if (!encoding.isEmpty() && !"gzip".equals(encoding) && !"zstd".equals(encoding)) {
      slot.unsupported.add(1);
      return refused(HttpAnswers.error(json, 415, HttpAnswers.INVALID_ARGUMENT,
          "unsupported content encoding '" + encoding
              + "'; gzip, zstd and identity are supported"), cors);
    }
    long declared = HttpUtil.getContentLength(request, -1L);
    if (declared > server.maxBody) {
      slot.tooLarge.add(1);
      return refused(HttpRequestWork.tooLarge(json, server.maxBody), cors);
    }
    HttpRequestWork work = new HttpRequestWork(server, slot, json, encoding,
        HttpUtil.isKeepAlive(request), cors.isEmpty() ? null : cors, client);
    FullHttpResponse refusal = work.reserve(declared);
    return refusal == null ? new Result(work, null) : refused(refusal, cors);
  }

  private static Result refused(FullHttpResponse r, HttpHeaders cors) {
    if (!cors.isEmpty()) {
      r.headers().add(cors);
    }
    return new Result(null, r);
  }

  /**
   * CORS for an allowed {@code Origin}: the answer to a preflight, or null with the headers that
   * make the answer readable by the page added to {@code out}. Requests from other origins pass
   * without CORS headers.
   */
  private static FullHttpResponse cors(CorsSettings cors, HttpRequest request, HttpHeaders out) {
    HttpHeaders in = request.headers();
    String origin = in.get(HttpHeaderNames.ORIGIN);
    if (!cors.enabled() || !cors.allows(origin)) {
      return null;
    }
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.add(HttpHeaderNames.VARY, "Origin");
    String method = in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (!HttpMethod.OPTIONS.equals(request.method()) || method == null) {
      return null;
    }
    String allowHeaders = cors.allowHeaders(in.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS));
    if (!"POST".equalsIgnoreCase(method) || allowHeaders == null) {
      // Without the allow headers the browser refuses the request it asked about.
      out.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
      return HttpAnswers.empty(204);
    }
    FullHttpResponse r = HttpAnswers.empty(204);
    r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST");
    if (!allowHeaders.isEmpty()) {
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
    }
    if (cors.maxAgeSeconds() > 0) {
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAgeSeconds());
    }
    return r;
  }

  static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim()
        .toLowerCase(Locale.ROOT);
  }
}
