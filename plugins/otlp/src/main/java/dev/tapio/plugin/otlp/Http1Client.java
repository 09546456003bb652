package dev.tapio.plugin.otlp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blocking HTTP/1.1 client for one exporter's URL: POST a body, read the whole answer, keep
 * the connection for the next request. The otlphttp exporter's transport: it does per request
 * what a POST needs and no more (the JDK's {@code HttpClient} builds a filter chain, a request
 * copy, futures and hand-offs between threads for each one; see benchmarks/README.md).
 *
 * <p>Connections are pooled: a sending thread takes an idle one or opens one, and gives it back
 * after a complete answer that did not close it, so there are at most as many as concurrent
 * senders. One idle longer than {@link #MAX_IDLE_NANOS} is closed rather than reused (servers
 * close idle connections; the Collector after 60 s by default), and one older than {@link
 * #MAX_AGE_NANOS} is closed after its answer: behind a Kubernetes Service a new connection may
 * reach another replica, so senders spread over the replicas an autoscaler adds (what {@code
 * max_connection_age} does for gRPC). A request on a reused connection that fails before any
 * byte of an answer arrived (the server had closed it meanwhile) is sent once more on a new
 * connection; any other failure is thrown, and the caller's retry decides.
 *
 * <p>Answers: {@code Content-Length}, {@code chunked}, or until the server closes; interim 1xx
 * answers are skipped; at most {@link #MAX_HEADERS} bytes of headers and {@link #MAX_BODY} of
 * body, beyond which the answer is refused as an {@link IOException} (a server is not trusted to
 * bound them). {@code timeout} bounds connecting and each read, not the whole exchange.
 *
 * <p>TLS through {@code tls}, with the host name checked against the certificate (unless the
 * context's trust manager checks nothing: {@code insecure_skip_verify}).
 *
 * <p>Thread-safe: {@link #post} may be called by many threads at once.
 */
final class Http1Client implements Closeable {
  static final long MAX_IDLE_NANOS = Duration.ofSeconds(30).toNanos();
  /** The longest a connection is used; the chart's gateway closes gRPC's after as long. */
  static final long MAX_AGE_NANOS = Duration.ofMinutes(5).toNanos();
  static final int MAX_HEADERS = 64 * 1024;
  static final int MAX_BODY = 4 * 1024 * 1024;

  /** A complete answer; header names in lower case. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final String host;
  private final int port;
  private final String hostHeader;
  private final SSLContext tls;
  private final SSLParameters tlsParameters;
  private final int connectMillis;
  private final int readMillis;
  private final long maxAgeNanos;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  Http1Client(URI uri, SSLContext tls, SSLParameters tlsParameters, Duration timeout) {
    this(uri, tls, tlsParameters, timeout, MAX_AGE_NANOS);
  }

  /** As above, with connections used for at most {@code maxAgeNanos} (tests). */
  Http1Client(URI uri, SSLContext tls, SSLParameters tlsParameters, Duration timeout,
      long maxAgeNanos) {
    this.maxAgeNanos = maxAgeNanos;
    String raw = uri.getHost(); // an IPv6 literal comes in brackets
    this.host = raw.startsWith("[") ? raw.substring(1, raw.length() - 1) : raw;
    boolean https = "https".equals(uri.getScheme());
    this.port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    this.hostHeader = uri.getPort() > 0 ? raw + ":" + uri.getPort() : raw;
    this.tls = https ? tls : null;
    // Set once here: every connection applies the same parameters, read only from then on.
    SSLParameters p = tlsParameters;
    if (this.tls != null) {
      p = p == null ? this.tls.getDefaultSSLParameters() : p;
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    this.tlsParameters = p;
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    this.connectMillis = millis;
    this.readMillis = millis;
  }

  /**
   * POSTs {@code length} bytes of {@code body} to {@code target} (path and query) with {@code
   * headers} (name, value pairs; {@code Host}, {@code Content-Length} and {@code Connection} are
   * the client's) and returns the answer.
   */
  Response post(String target, String[] headers, byte[] body, int length) throws IOException {
    if (closed) {
      throw new IOException("client closed");
    }
    byte[] head = head(target, headers, length);
    Connection c = idle.pollFirst();
    while (c != null && System.nanoTime() - c.idleSince > MAX_IDLE_NANOS) {
      c.close();
      c = idle.pollFirst();
    }
    if (c != null) {
      try {
        return exchange(c, head, body, length);
      } catch (StaleConnection e) {
        // The server closed it while it was idle: nothing was answered, send on a new one.
      }
    }
    try {
      return exchange(open(), head, body, length);
    } catch (StaleConnection e) {
      throw new IOException("connection to " + hostHeader + " closed before an answer", e);
    }
  }

  private byte[] head(String target, String[] headers, int length) {
    StringBuilder sb = new StringBuilder(256).append("POST ").append(target)
        .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nContent-Length: ")
        .append(length).append("\r\n");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      String name = headers[i];
      String value = headers[i + 1];
      if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
          || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + name + " contains a line break");
      }
      sb.append(name).append(": ").append(value).append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private Response exchange(Connection c, byte[] head, byte[] body, int length)
      throws IOException {
    boolean keep = false;
    try {
      c.out.write(head);
      c.out.write(body, 0, length);
      c.out.flush();
      Response r = read(c);
      keep = !closed && !c.mustClose && System.nanoTime() - c.openedAt < maxAgeNanos;
      return r;
    } catch (IOException e) {
      if (c.reused && !c.answered) {
        throw new StaleConnection(e);
      }
      throw e;
    } finally {
      if (keep) {
        c.reused = true;
        c.answered = false;
        c.idleSince = System.nanoTime();
        idle.addFirst(c);
      } else {
        c.close();
      }
    }
  }

  private Connection open() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), connectMillis);
      s.setSoTimeout(readMillis);
      if (tls != null) {
        SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, host, port, true);
        t.setSSLParameters(tlsParameters);
        t.startHandshake();
        s = t;
      }
      return new Connection(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static Response read(Connection c) throws IOException {
    while (true) {
      String status = c.line();
      c.answered = true;
      if (!status.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.x answer: " + abbreviate(status));
      }
      int code;
      try {
        code = Integer.parseInt(status.substring(9, Math.min(12, status.length())).strip());
      } catch (RuntimeException e) {
        throw new IOException("bad status line: " + abbreviate(status), e);
      }
      Map<String, String> headers = new TreeMap<>();
      int total = status.length();
      for (String line = c.line(); !line.isEmpty(); line = c.line()) {
        total += line.length();
        if (total > MAX_HEADERS) {
          throw new IOException("answer headers longer than " + MAX_HEADERS + " bytes");
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
      }
      if (code >= 100 && code < 200) {
        continue; // interim: the real answer follows
      }
      String connection = headers.getOrDefault("connection", "");
      c.mustClose = connection.toLowerCase(Locale.ROOT).contains("close")
          || status.startsWith("HTTP/1.0") && !connection.equalsIgnoreCase("keep-alive");
      byte[] body;
      String chunked = headers.getOrDefault("transfer-encoding", "");
      String length = headers.get("content-length");
      if (code == 204 || code == 304) {
        body = new byte[0];
      } else if (chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
        body = c.chunked();
      } else if (length != null) {
        long n;
        try {
          n = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length: " + abbreviate(length));
        }
        if (n < 0 || n > MAX_BODY) {
          throw new IOException("answer body of " + n + " bytes (at most " + MAX_BODY + ")");
        }
        body = c.in.readNBytes((int) n);
        if (body.length < n) {
          throw new EOFException("answer body cut short: " + body.length + " of " + n + " bytes");
        }
      } else {
        body = c.untilClose();
        c.mustClose = true;
      }
      return new Response(code, headers, body);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  /** Closes idle connections and refuses new requests; requests under way finish. */
  @Override
  public void close() {
    closed = true;
    for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      c.close();
    }
  }

  /** A reused connection failed before any answer: worth one more try on a new one. */
  private static final class StaleConnection extends IOException {
    StaleConnection(IOException cause) {
      super(cause);
    }
  }

  /** One connection; used by one thread at a time (taken from and given back to the pool). */
  private static final class Connection {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final long openedAt = System.nanoTime();
    long idleSince;
    boolean reused;
    boolean answered;
    boolean mustClose;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 8192);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
    }

    /** A line without its CRLF (or LF); EOF before it is an {@link EOFException}. */
    String line() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException(sb.isEmpty() ? "connection closed" : "connection closed in a"
              + " line");
        }
        if (b == '\n') {
          int end = sb.length();
          if (end > 0 && sb.charAt(end - 1) == '\r') {
            sb.setLength(end - 1);
          }
          return sb.toString();
        }
        if (sb.length() >= MAX_HEADERS) {
          throw new IOException("answer line longer than " + MAX_HEADERS + " bytes");
        }
        sb.append((char) b);
      }
    }

    byte[] chunked() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        long n;
        try {
          n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + abbreviate(size));
        }
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers, ignored
          }
          return body.toByteArray();
        }
        if (n < 0 || body.size() + n > MAX_BODY) {
          throw new IOException("answer body over " + MAX_BODY + " bytes");
        }
        byte[] chunk = in.readNBytes((int) n);
        if (chunk.length < n) {
          throw new EOFException("chunk cut short");
        }
        body.write(chunk);
        line(); // the chunk's CRLF
      }
    }

    byte[] untilClose() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        if (body.size() + n > MAX_BODY) {
          throw new IOException("answer body over " + MAX_BODY + " bytes");
        }
        body.write(buf, 0, n);
      }
      return body.toByteArray();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing: nothing to do
      }
    }
  }
}
