package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts a request but rejects part of it says so in the response's
 * {@code partial_success}: the exporters read it (protobuf, JSON, gRPC) and drop that many items
 * with reason {@code rejected_by_server}. The answers are built by the official proto classes.
 */
class PartialSuccessTest {
  private static final ExportLogsServiceResponse LOGS = ExportLogsServiceResponse.newBuilder()
      .setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(3)
          .setErrorMessage("3 records too old")).build();
  private static final ExportMetricsServiceResponse METRICS =
      ExportMetricsServiceResponse.newBuilder().setPartialSuccess(ExportMetricsPartialSuccess
          .newBuilder().setRejectedDataPoints(2).setErrorMessage("2 points")).build();
  private static final ExportTraceServiceResponse TRACES = ExportTraceServiceResponse.newBuilder()
      .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(1)).build();

  private static final String SYNC = """
      sending_queue: {enabled: false}
      retry_on_failure: {enabled: false}
      """;

  @Test
  void otlphttpReadsPartialSuccessInProtobufAndJson() throws Exception {
    for (boolean json : new boolean[] {false, true}) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          var response = switch (exchange.getRequestURI().getPath()) {
            case "/v1/logs" -> LOGS;
            case "/v1/metrics" -> METRICS;
            default -> TRACES;
          };
          byte[] body = json
              ? JsonFormat.printer().print(response).getBytes(StandardCharsets.UTF_8)
              : response.toByteArray();
          exchange.getResponseHeaders().set("Content-Type",
              json ? "application/json" : "application/x-protobuf");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      });
      server.start();
      try {
        String yaml = "endpoint: http://127.0.0.1:" + server.getAddress().getPort() + "\n"
            + "encoding: " + (json ? "json" : "proto") + "\n" + SYNC;
        assertRejected(new OtlpHttpExporterFactory(), ComponentConfigs.read(
            new OtlpHttpExporterFactory(), yaml), json ? "json" : "proto");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void otlpGrpcReadsPartialSuccess() throws Exception {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(
        new InetSocketAddress("127.0.0.1", 0));
    for (Signal signal : Signal.values()) {
      var method = OtlpGrpc.method(signal);
      byte[] answer = switch (signal) {
        case LOGS -> LOGS.toByteArray();
        case METRICS -> METRICS.toByteArray();
        case TRACES -> TRACES.toByteArray();
      };
      builder.addService(ServerServiceDefinition.builder(method.getServiceName())
          .addMethod(method, ServerCalls.asyncUnaryCall((byte[] request, io.grpc.stub.StreamObserver<byte[]> out) -> {
            out.onNext(answer);
            out.onCompleted();
          })).build());
    }
    Server server = builder.build().start();
    try {
      String yaml = "endpoint: 127.0.0.1:" + server.getPort() + "\ntls: {insecure: true}\n"
          + SYNC;
      assertRejected(new OtlpGrpcExporterFactory(), ComponentConfigs.read(
          new OtlpGrpcExporterFactory(), yaml), "grpc");
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static <C extends dev.tapio.config.ComponentConfig> void assertRejected(
      dev.tapio.component.ExporterFactory<C> factory, C config, String what) throws Exception {
    TestContext logsContext = new TestContext("x", Kind.EXPORTER, Signal.LOGS);
    TestContext metricsContext = new TestContext("x", Kind.EXPORTER, Signal.METRICS);
    TestContext tracesContext = new TestContext("x", Kind.EXPORTER, Signal.TRACES);
    LogsExporter logs = factory.createLogs(logsContext, config);
    MetricsExporter metrics = factory.createMetrics(metricsContext, config);
    TracesExporter traces = factory.createTraces(tracesContext, config);
    logs.start(new TestHost());
    metrics.start(new TestHost());
    traces.start(new TestHost());
    try {
      logs.consumeLogs(LogsBuilder.logs("p", 10));
      metrics.consumeMetrics(Samples.metrics());
      traces.consumeTraces(Samples.traces());
    } finally {
      logs.shutdown();
      metrics.shutdown();
      traces.shutdown();
    }
    assertEquals(3, logsContext.droppedCount("rejected_by_server"), what + " logs");
    assertEquals(2, metricsContext.droppedCount("rejected_by_server"), what + " metrics");
    assertEquals(1, tracesContext.droppedCount("rejected_by_server"), what + " traces");
    // Sent counts only what the server kept, and only once it answered.
    assertEquals(7, logsContext.counterValue("otelcol_exporter_sent_log_records"), what);
    assertEquals(3, logsContext.counterValue("otelcol_exporter_send_failed_log_records"), what);
    assertEquals(1, tracesContext.counterValue("otelcol_exporter_send_failed_spans"), what);
  }
}
