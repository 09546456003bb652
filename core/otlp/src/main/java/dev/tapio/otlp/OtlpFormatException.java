package dev.tapio.otlp;

/**
 * Malformed or oversized OTLP input. The message names the field (as {@code Message.field} for
 * protobuf, as a JSON path such as {@code resourceLogs[0].scopeLogs[2].logRecords[5].traceId}
 * for JSON) and the byte offset in the input where decoding stopped, so that a receiver can
 * answer the client with something actionable (HTTP 400, gRPC INVALID_ARGUMENT).
 */
public final class OtlpFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final int offset;

  OtlpFormatException(String field, int offset, String problem) {
    super("malformed OTLP " + field + " at offset " + offset + ": " + problem);
    this.field = field;
    this.offset = offset;
  }

  /**
   * The field being decoded: {@code Message.field} for protobuf, e.g. {@code LogRecord.trace_id};
   * the JSON path for JSON, or the request's message name for the request as a whole.
   */
  public String field() {
    return field;
  }

  /** The offset in the input, from the start of the request, where decoding stopped. */
  public int offset() {
    return offset;
  }
}
