package dev.tapio.otlp;

/**
 * Malformed or oversized OTLP protobuf input. The message names the field (as
 * {@code Message.field}) and the byte offset in the input where decoding stopped, so that a
 * receiver can answer the client with something actionable (HTTP 400, gRPC INVALID_ARGUMENT).
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

  /** The field being decoded, as {@code Message.field}, e.g. {@code LogRecord.trace_id}. */
  public String field() {
    return field;
  }

  /** The offset in the input, from the start of the request, where decoding stopped. */
  public int offset() {
    return offset;
  }
}
