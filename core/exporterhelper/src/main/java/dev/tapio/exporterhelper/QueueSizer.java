package dev.tapio.exporterhelper;

/**
 * How a sending queue, or the batches it assembles, are measured: the Collector's {@code sizer}.
 */
public enum QueueSizer {
  /** Batches as they were offered, whatever their size: the cheapest to count. */
  REQUESTS,
  /** Log records, spans or metric data points. */
  ITEMS,
  /**
   * Bytes of the OTLP/protobuf export request the batch encodes to: one size pass of the
   * encoder per batch in memory, the stored length on disk.
   */
  BYTES
}
