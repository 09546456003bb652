package dev.tapio.plugin.otlp;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.net.URI;

/**
 * A running {@code otlp} receiver for all three signals on a free loopback port, as the engine
 * would start it: one component per signal sharing one server. Test-thread use only.
 */
final class Receiver implements AutoCloseable {
  final TestContext logsContext = new TestContext("otlp", Kind.RECEIVER, Signal.LOGS);
  final TestContext metricsContext = new TestContext("otlp", Kind.RECEIVER, Signal.METRICS);
  final TestContext tracesContext = new TestContext("otlp", Kind.RECEIVER, Signal.TRACES);
  private final OtlpReceiver logs;
  private final OtlpReceiver metrics;
  private final OtlpReceiver traces;

  Receiver(LogsConsumer l, MetricsConsumer m, TracesConsumer t) throws Exception {
    this(l, m, t, OtlpReceiverConfig.Http.DEFAULT.maxRequestBodySize());
  }

  Receiver(LogsConsumer l, MetricsConsumer m, TracesConsumer t, long maxBody) throws Exception {
    var d = OtlpReceiverConfig.Http.DEFAULT;
    var config = new OtlpReceiverConfig(new OtlpReceiverConfig.Http("127.0.0.1:0", maxBody,
        d.logsUrlPath(), d.metricsUrlPath(), d.tracesUrlPath()), null);
    OtlpReceiverFactory factory = new OtlpReceiverFactory();
    logs = (OtlpReceiver) factory.createLogs(logsContext, config, l);
    metrics = (OtlpReceiver) factory.createMetrics(metricsContext, config, m);
    traces = (OtlpReceiver) factory.createTraces(tracesContext, config, t);
    logs.start(new TestHost());
    metrics.start(new TestHost());
    traces.start(new TestHost());
  }

  /** The base URL, e.g. {@code http://127.0.0.1:43210}. */
  String baseUrl() {
    return "http://127.0.0.1:" + logs.address().getPort();
  }

  URI uri(String path) {
    return URI.create(baseUrl() + path);
  }

  /** Stops the traces receiver alone, as a stopping process does first with one signal. */
  void stopTraces() {
    traces.shutdown();
  }

  @Override
  public void close() {
    traces.shutdown();
    metrics.shutdown();
    logs.shutdown();
  }
}
