package dev.tapio.plugin.otlp;

import java.net.InetSocketAddress;

/** Parsing of Collector-style {@code host:port} endpoints. Stateless. */
final class Endpoints {
  private Endpoints() {}

  /**
   * The unresolved address of {@code host:port} ({@code [::1]:4318} for IPv6, {@code :4318} for
   * every interface), or null when it is not of that form.
   */
  static InetSocketAddress parseHostPort(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0 || colon == endpoint.length() - 1) {
      return null;
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 0 || port > 65535) {
      return null;
    }
    return host.isEmpty() ? new InetSocketAddress(port)
        : InetSocketAddress.createUnresolved(host, port);
  }
}
