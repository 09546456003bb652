package dev.tapio.pdata;

/** The types an attribute value or a log body can have, as in OTLP's AnyValue. */
public enum ValueType {
  EMPTY,
  STRING,
  BOOL,
  LONG,
  DOUBLE,
  BYTES,
  ARRAY,
  MAP
}
