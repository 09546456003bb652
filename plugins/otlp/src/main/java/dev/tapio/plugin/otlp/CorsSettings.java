package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP receiver's {@code cors} section, with the Collector's keys, for browsers sending
 * OTLP/HTTP (usually JSON) from web pages: preflight {@code OPTIONS} requests from an allowed
 * origin are answered 204 with the allowed method, headers and {@code max_age}, without
 * authentication (browsers send no credentials on a preflight); other requests from an allowed
 * origin get {@code Access-Control-Allow-Origin} on their answer. A request from an origin not
 * allowed is served without CORS headers, so the browser withholds the answer from the page.
 *
 * @param allowedOrigins origins as {@code scheme://host[:port]}, {@code *} for any, or with one
 *     {@code *} wildcard such as {@code https://*.example.com}; empty: CORS is off
 * @param allowedHeaders request headers a page may send besides the CORS-safelisted ones and
 *     {@code Content-Type}, {@code Content-Encoding}; {@code *} for any
 * @param maxAgeSeconds how long a browser may cache a preflight answer; 0 leaves it to the
 *     browser
 */
public record CorsSettings(List<String> allowedOrigins, List<String> allowedHeaders,
    int maxAgeSeconds) {

  static final CorsSettings NONE = new CorsSettings(List.of(), List.of(), 0);
  /** Headers a page always may send to the receiver. */
  private static final List<String> ALWAYS_ALLOWED = List.of("accept", "accept-language",
      "content-language", "content-type", "content-encoding", "x-requested-with");

  public CorsSettings {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    allowedHeaders = allowedHeaders == null ? List.of() : allowedHeaders.stream()
        .map(h -> h.toLowerCase(Locale.ROOT)).toList();
  }

  static CorsSettings read(ConfigReader http) {
    ConfigReader c = http.section("cors");
    return new CorsSettings(c.stringList("allowed_origins", List.of()),
        c.stringList("allowed_headers", List.of()), c.integer("max_age", 0));
  }

  void validate(ConfigProblems problems) {
    for (String origin : allowedOrigins) {
      if (!origin.equals("*") && (origin.chars().filter(ch -> ch == '*').count() > 1
          || !origin.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+"))) {
        problems.error("protocols.http.cors.allowed_origins", "'" + origin + "' is not an"
            + " origin: scheme://host[:port], with at most one '*', or '*' alone");
      }
    }
    if (maxAgeSeconds < 0) {
      problems.error("protocols.http.cors.max_age", "must not be negative");
    }
  }

  boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  /** Whether {@code origin} (the request's {@code Origin} header) may read the answers. */
  boolean allows(String origin) {
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    for (String allowed : allowedOrigins) {
      int star = allowed.indexOf('*');
      if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)
          || star >= 0 && origin.length() > allowed.length() - 1
              && origin.regionMatches(true, 0, allowed, 0, star)
              && origin.regionMatches(true, origin.length() - (allowed.length() - star - 1),
                  allowed, star + 1, allowed.length() - star - 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The headers of a preflight's {@code Access-Control-Request-Headers} that may be sent, as a
   * value for {@code Access-Control-Allow-Headers}; null when one of them is not allowed.
   */
  String allowHeaders(String requested) {
    if (requested == null || requested.isBlank()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String h : requested.split(",")) {
      String name = h.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!allowedHeaders.contains("*") && !allowedHeaders.contains(name)
          && !ALWAYS_ALLOWED.contains(name)) {
        return null;
      }
      out.append(out.isEmpty() ? "" : ", ").append(name);
    }
    return out.toString();
  }
}
