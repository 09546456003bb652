package dev.tapio.plugin.bearertokenauth;

import dev.tapio.auth.ClientAuthenticator;
import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Holds one token, from the configuration or a file, and both checks it on requests and adds
 * it to them.
 *
 * <p>Thread-safe: {@link #authenticate} and {@link #headers} are called concurrently by request
 * and sending threads; they read one immutable {@link Credential} through a volatile field,
 * which a file reload replaces whole. The file's modification time is looked at most once a
 * second, by whichever caller comes first after that second.
 */
final class BearerTokenAuth implements Component, ServerAuthenticator, ClientAuthenticator {
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The current token in the forms the callers need, built once per token. */
  private record Credential(byte[] token, Map<String, String> headers, FileTime modified) {}

  private final ComponentContext context;
  private final BearerTokenAuthConfig config;
  private final String headerKey;
  private final Path file;
  private final ComponentContext.Counter refused;
  private volatile Credential credential;
  private volatile long nextCheck;

  BearerTokenAuth(ComponentContext context, BearerTokenAuthConfig config) {
    this.context = context;
    this.config = config;
    this.headerKey = config.header().toLowerCase(Locale.ROOT);
    this.file = config.filename().isEmpty() ? null : Path.of(config.filename());
    this.refused = context.counter("tapio_bearertokenauth_refused_requests",
        "Requests refused for a missing or wrong token", "reason", "unauthenticated");
  }

  @Override
  public void start(Host host) throws IOException {
    if (file == null) {
      credential = credential(config.token(), null);
    } else {
      try {
        credential = load();
      } catch (IOException e) {
        throw new IOException("bearertokenauth " + context.id() + " cannot read token file "
            + file + ": " + e.getMessage(), e);
      }
      nextCheck = System.nanoTime() + RECHECK_NANOS;
    }
    context.reportStatus(ComponentStatus.OK, file == null ? "static token" : "token from " + file);
  }

  @Override
  public boolean authenticate(Function<String, String> header) {
    Credential c = current();
    String value = header.apply(headerKey);
    boolean ok = c != null && value != null && matches(value, c.token());
    if (!ok) {
      refused.add(1);
    }
    return ok;
  }

  @Override
  public String challenge() {
    return config.scheme().isEmpty() ? "Bearer" : config.scheme();
  }

  @Override
  public Map<String, String> headers() {
    Credential c = current();
    if (c == null) {
      throw new IllegalStateException("bearertokenauth " + context.id() + " is not started");
    }
    return c.headers();
  }

  /** The scheme case-insensitively (RFC 9110 11.1), then the token in constant time. */
  private boolean matches(String value, byte[] token) {
    String scheme = config.scheme();
    int start = 0;
    if (!scheme.isEmpty()) {
      if (value.length() <= scheme.length() + 1
          || !value.regionMatches(true, 0, scheme, 0, scheme.length())
          || value.charAt(scheme.length()) != ' ') {
        return false;
      }
      start = scheme.length() + 1;
    }
    byte[] given = value.substring(start).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private Credential current() {
    Credential c = credential;
    if (file != null && c != null && System.nanoTime() - nextCheck >= 0) {
      nextCheck = System.nanoTime() + RECHECK_NANOS;
      try {
        FileTime modified = Files.getLastModifiedTime(file);
        if (!modified.equals(c.modified())) {
          c = load();
          credential = c;
          context.logger().log(Level.INFO, "bearertokenauth " + context.id()
              + " reloaded its token from " + file);
        }
      } catch (IOException | IllegalArgumentException e) {
        // Keep serving with the last good token; a rotation mid-write is retried next second.
        context.logger().log(Level.WARNING, "bearertokenauth " + context.id()
            + " cannot reload " + file + ", keeping the previous token: " + e.getMessage());
      }
    }
    return c;
  }

  private Credential load() throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty() || !isHeaderSafe(token)) {
      throw new IllegalArgumentException("token file " + file
          + " is empty or holds spaces or control characters");
    }
    return credential(token, modified);
  }

  private Credential credential(String token, FileTime modified) {
    String value = config.scheme().isEmpty() ? token : config.scheme() + " " + token;
    return new Credential(token.getBytes(StandardCharsets.UTF_8), Map.of(headerKey, value),
        modified);
  }

  /** Visible ASCII only: no space, no CR/LF that would split a header. */
  static boolean isHeaderSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** An RFC 9110 token, as header names are. */
  static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }
}
