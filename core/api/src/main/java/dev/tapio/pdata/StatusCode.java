package dev.tapio.pdata;

/** OTLP span status codes, in protocol order. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR
}
