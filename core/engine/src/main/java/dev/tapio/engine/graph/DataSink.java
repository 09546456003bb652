package dev.tapio.engine.graph;

import dev.tapio.pdata.TelemetryData;

/**
 * The engine's signal-independent view of a consumer, so the graph is written once for logs,
 * metrics and traces. Same ownership contract as the API consumers: after {@link #consume}
 * the data is the callee's; if it throws, the callee has not kept it.
 */
interface DataSink<T extends TelemetryData<?>> {

  void consume(T data);

  /** Whether this sink changes data (and so needs its own copy at a fan-out). */
  boolean mutates();
}
