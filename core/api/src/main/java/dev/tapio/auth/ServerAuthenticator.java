package dev.tapio.auth;

import java.util.function.Function;

/**
 * An extension that decides whether a receiver accepts a request, from its headers (HTTP
 * headers or gRPC metadata). A receiver configured with {@code auth: {authenticator: <id>}}
 * finds the extension with {@code Host.extension(id)}, checks it implements this interface,
 * and calls {@link #authenticate} before reading a request's body; a refusal is answered with
 * HTTP 401 or gRPC {@code UNAUTHENTICATED}.
 *
 * <p>Thread-safe: called concurrently from the receivers' threads, for OTLP/HTTP from the
 * server's I/O threads, which serve many connections each: answer from what is held in memory
 * (compare a token, check a cache); never block on the network or the disk.
 */
public interface ServerAuthenticator {

  /**
   * Whether the request may proceed.
   *
   * @param header the first value of a request header by its lower-case name, or null if absent
   */
  boolean authenticate(Function<String, String> header);

  /**
   * The {@code WWW-Authenticate} challenge for a refused HTTP request, e.g. {@code Bearer}.
   */
  String challenge();
}
