package dev.tapio.plugin.otlp;

import dev.tapio.component.ComponentContext;

/**
 * What the OTLP/HTTP server counts before a request reaches a signal's receiver, so before
 * {@link ReceiverSlot}'s counters can: framing it cannot parse
 * ({@code tapio_otlp_receiver_framing_errors{protocol="http",reason}}: {@code bad_framing} for a
 * malformed request line, header or chunk, answered 400; {@code headers_too_large} 431;
 * {@code line_too_long} 414) and clients too slow for a deadline
 * ({@code tapio_otlp_receiver_timeouts{protocol="http",phase}}: {@code header}, closed;
 * {@code body}, answered 408; {@code write}, closed). Thread-safe.
 */
final class HttpCounters {
  final ComponentContext.Counter badFraming;
  final ComponentContext.Counter headersTooLarge;
  final ComponentContext.Counter lineTooLong;
  final ComponentContext.Counter headerTimeout;
  final ComponentContext.Counter bodyTimeout;
  final ComponentContext.Counter writeTimeout;

  HttpCounters(ComponentContext context) {
    String name = "tapio_otlp_receiver_framing_errors";
    String help = "HTTP requests refused because they could not be parsed, by reason";
    badFraming = context.counter(name, help, "protocol", "http", "reason", "bad_framing");
    headersTooLarge = context.counter(name, help, "protocol", "http", "reason",
        "headers_too_large");
    lineTooLong = context.counter(name, help, "protocol", "http", "reason", "line_too_long");
    name = "tapio_otlp_receiver_timeouts";
    help = "Connections closed because the client was too slow, by phase of the request";
    headerTimeout = context.counter(name, help, "protocol", "http", "phase", "header");
    bodyTimeout = context.counter(name, help, "protocol", "http", "phase", "body");
    writeTimeout = context.counter(name, help, "protocol", "http", "phase", "write");
  }
}
