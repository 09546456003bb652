package dev.tapio.engine.graph;

import dev.tapio.component.Component;
import dev.tapio.pdata.TelemetryData;

/** A created processor or exporter: the component for its lifecycle, the sink for its data. */
record Stage<T extends TelemetryData<?>>(Component component, DataSink<T> sink) {}
