package dev.tapio.otlp;

import dev.tapio.component.ComponentContext;
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

  /**
   * Appends the resource groups of the request in {@code request[offset, offset + length)} to
   * {@code into}; returns how many attributes the decoder's cap on attributes per record kept
   * out (0 without a cap). When this throws, {@code into} may hold part of the request: discard
   * it.
   */
  int decodeLogs(byte[] request, int offset, int length, Logs into) throws OtlpFormatException;

  /** As {@link #decodeLogs(byte[], int, int, Logs)}, for metrics. */
  int decodeMetrics(byte[] request, int offset, int length, Metrics into)
      throws OtlpFormatException;

  /** As {@link #decodeLogs(byte[], int, int, Logs)}, for traces. */
  int decodeTraces(byte[] request, int offset, int length, Traces into)
      throws OtlpFormatException;

  /** The request of {@code signal}'s export service. */
  default TelemetryData<?> decode(Signal signal, byte[] request) throws OtlpFormatException {
    return switch (signal) {
      case LOGS -> decodeLogs(request);
      case METRICS -> decodeMetrics(request);
      case TRACES -> decodeTraces(request);
    };
  }

  /**
   * The request of {@code signal}'s export service, as {@link #decode(Signal, byte[])}; adds to
   * {@code droppedAttributes} the number of attributes the decoder's cap on attributes per
   * record kept out of it (they are also in the records' {@code dropped_attributes_count}).
   * Nothing is added for a request that does not decode.
   */
  default TelemetryData<?> decode(Signal signal, byte[] request,
      ComponentContext.Counter droppedAttributes) throws OtlpFormatException {
    int dropped;
    TelemetryData<?> data;
    switch (signal) {
      case LOGS -> {
        Logs logs = new Logs();
        dropped = decodeLogs(request, 0, request.length, logs);
        data = logs;
      }
      case METRICS -> {
        Metrics metrics = new Metrics();
        dropped = decodeMetrics(request, 0, request.length, metrics);
        data = metrics;
      }
      case TRACES -> {
        Traces traces = new Traces();
        dropped = decodeTraces(request, 0, request.length, traces);
        data = traces;
      }
      default -> throw new AssertionError(signal);
    }
    if (dropped > 0) {
      droppedAttributes.add(dropped);
    }
    return data;
  }
}
