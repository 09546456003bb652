package dev.tapio.engine.graph;

import dev.tapio.pdata.TelemetryData;

/** The last stage of a pipeline: counts what reaches the exporters, then fans out to them. */
final class PipelineEnd<T extends TelemetryData<?>> implements DataSink<T> {
  private final Pipeline<T> pipeline;
  private final DataSink<T> exporters;

  PipelineEnd(Pipeline<T> pipeline, DataSink<T> exporters) {
    this.pipeline = pipeline;
    this.exporters = exporters;
  }

  @Override
  public void consume(T data) {
    pipeline.handedToExporters(data);
    exporters.consume(data);
  }

  @Override
  public boolean mutates() {
    return exporters.mutates();
  }
}
