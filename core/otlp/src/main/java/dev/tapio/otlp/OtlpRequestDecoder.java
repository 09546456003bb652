package dev.tapio.otlp;

import dev.tapio.component.Signal;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;

/**
 * Decodes OTLP export requests into pdata: {@link OtlpDecoder} for protobuf,
 * {@link OtlpJsonDecoder} for JSON. Implementations are immutable and thread-safe; each call
 * returns new pdata the caller owns, or throws {@link OtlpFormatException} saying what is wrong.
 */
public interface OtlpRequestDecoder {

  Logs decodeLogs(byte[] request) throws OtlpFormatException;

  Metrics decodeMetrics(byte[] request) throws OtlpFormatException;

  Traces decodeTraces(byte[] request) throws OtlpFormatException;

  /** The request of {@code signal}'s export service. */
  default TelemetryData<?> decode(Signal signal, byte[] request) throws OtlpFormatException {
    return switch (signal) {
      case LOGS -> decodeLogs(request);
      case METRICS -> decodeMetrics(request);
      case TRACES -> decodeTraces(request);
    };
  }
}
