package dev.tapio.auth;

import java.util.Map;

/**
 * An extension that gives an exporter the headers that authenticate its requests. An exporter
 * configured with {@code auth: {authenticator: <id>}} finds it with {@code Host.extension(id)}
 * at start, and calls {@link #headers} for every request (the credential may change while
 * running, e.g. a token file rotated by another process).
 *
 * <p>Thread-safe: called concurrently from the exporters' sending threads.
 */
public interface ClientAuthenticator {

  /** Header name to value (lower-case names, usable as gRPC metadata keys too); not empty. */
  Map<String, String> headers();
}
