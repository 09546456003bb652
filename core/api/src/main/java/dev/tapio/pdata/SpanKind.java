package dev.tapio.pdata;

/** OTLP span kinds, in protocol order. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER
}
