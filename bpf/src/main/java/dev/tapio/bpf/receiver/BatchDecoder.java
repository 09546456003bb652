package dev.tapio.bpf.receiver;

import dev.tapio.bpf.BpfMap;
import dev.tapio.bpf.RingBuffer;
import dev.tapio.pdata.Logs;
import java.util.function.Function;

/**
 * Decodes ring buffer records into the batch being built. Called by one poll thread only.
 */
public interface BatchDecoder extends RingBuffer.RecordHandler {

  /** The batch decoded since the last call, or null when empty; ownership passes on. */
  Logs take();

  /**
   * Called once after the object is loaded and before polling starts, with its maps: a decoder
   * that also reads other maps (e.g. in-kernel aggregates) takes them here.
   */
  default void bind(Function<String, BpfMap> maps) {}

  /**
   * Called on the poll thread after each drain; {@code last} on the final drain at stop, while
   * the maps are still loaded. A decoder may append records built from other maps to its batch
   * here and return true, and the poller then delivers {@link #take()}. Decoders that do not
   * override it see no extra {@code take()} calls.
   */
  default boolean afterDrain(boolean last) {
    return false;
  }
}
