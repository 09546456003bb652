package dev.tapio.otlp;

import dev.tapio.pdata.TelemetryData;

/**
 * Encodes pdata as an OTLP export request into a buffer it reuses: {@link OtlpEncoder} for
 * protobuf, {@link OtlpJsonEncoder} for JSON. Not thread-safe: one owner at a time (pool them).
 */
public interface OtlpRequestEncoder {

  /** Encodes {@code data} into {@link #buffer()}; returns the length. */
  int encode(TelemetryData<?> data);

  /** The buffer the last {@link #encode} wrote; valid until the next call. */
  byte[] buffer();
}
