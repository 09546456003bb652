package dev.tapio.plugin.bearertokenauth;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;

/**
 * The {@code bearertokenauth} extension's configuration, as the Collector's.
 *
 * @param token the token, inline; exactly one of {@code token} and {@code filename} is set
 * @param filename a file holding the token (surrounding whitespace ignored), re-read when it
 *     changes
 * @param scheme the scheme before the token in the header; empty sends the bare token
 * @param header the header that carries it
 */
public record BearerTokenAuthConfig(String token, String filename, String scheme, String header)
    implements ComponentConfig {
  static final BearerTokenAuthConfig DEFAULT =
      new BearerTokenAuthConfig("", "", "Bearer", "Authorization");

  @Override
  public void validate(ConfigProblems problems) {
    boolean hasToken = token != null && !token.isEmpty();
    boolean hasFile = filename != null && !filename.isEmpty();
    if (hasToken == hasFile) {
      problems.error(hasToken ? "filename" : "token",
          "set exactly one of token and filename");
    }
    if (hasToken && !BearerTokenAuth.isHeaderSafe(token)) {
      problems.error("token", "must not contain spaces or control characters");
    }
    if (scheme == null || !scheme.isEmpty() && !BearerTokenAuth.isHeaderSafe(scheme)) {
      problems.error("scheme", "must not contain spaces or control characters");
    }
    if (header == null || header.isEmpty() || !BearerTokenAuth.isToken(header)) {
      problems.error("header", "must be a header name, e.g. Authorization");
    }
  }
}
