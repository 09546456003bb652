package dev.tapio.plugin.otlp;

import dev.tapio.auth.ClientAuthenticator;
import dev.tapio.auth.ServerAuthenticator;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Host;

/** Finds the extension an {@code auth.authenticator} key names, at start. Stateless. */
final class Authenticators {
  private Authenticators() {}

  /** The request checker named {@code id}, or null when {@code id} is empty. */
  static ServerAuthenticator server(Host host, String id, ComponentContext context) {
    if (id.isEmpty()) {
      return null;
    }
    if (!(extension(host, id, context) instanceof ServerAuthenticator auth)) {
      throw new IllegalStateException(context.id() + ": extension '" + id
          + "' cannot authenticate requests");
    }
    return auth;
  }

  /** The header source named {@code id}, or null when {@code id} is empty. */
  static ClientAuthenticator client(Host host, String id, ComponentContext context) {
    if (id.isEmpty()) {
      return null;
    }
    if (!(extension(host, id, context) instanceof ClientAuthenticator auth)) {
      throw new IllegalStateException(context.id() + ": extension '" + id
          + "' cannot authenticate outgoing requests");
    }
    return auth;
  }

  private static Component extension(Host host, String id, ComponentContext context) {
    return host.extension(ComponentId.parse(id)).orElseThrow(() ->
        new IllegalStateException(context.id() + ": auth.authenticator '" + id
            + "' is not among the started extensions; add it to service.extensions"));
  }
}
