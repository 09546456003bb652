package dev.tapio.bpf.receiver;

import dev.tapio.bpf.RingBuffer;
import dev.tapio.pdata.Logs;

/**
 * Decodes ring buffer records into the batch being built. Called by one poll thread only.
 */
public interface BatchDecoder extends RingBuffer.RecordHandler {

  /** The batch decoded since the last call, or null when empty; ownership passes on. */
  Logs take();
}
