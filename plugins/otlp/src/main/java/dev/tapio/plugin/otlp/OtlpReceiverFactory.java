package dev.tapio.plugin.otlp;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ReceiverFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import java.util.Set;
import org.pf4j.Extension;

/** The {@code otlp} receiver: OTLP/gRPC, and OTLP/HTTP with protobuf bodies, plain or gzip. */
@Extension
public final class OtlpReceiverFactory implements ReceiverFactory<OtlpReceiverConfig> {

  public OtlpReceiverFactory() {}

  @Override
  public java.util.Map<String, String> unsupportedKeys() {
    return CollectorKeys.RECEIVER;
  }

  @Override
  public String type() {
    return "otlp";
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Receives OTLP/gRPC and OTLP/HTTP (protobuf, gzip) logs, metrics and traces.";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES);
  }

  @Override
  public OtlpReceiverConfig createDefaultConfig() {
    return OtlpReceiverConfig.DEFAULT;
  }

  @Override
  public OtlpReceiverConfig readConfig(ConfigReader r) {
    if (!r.has("protocols")) {
      return OtlpReceiverConfig.DEFAULT;
    }
    ConfigReader protocols = r.section("protocols");
    OtlpReceiverConfig.Grpc grpc = null;
    if (protocols.has("grpc")) {
      ConfigReader g = protocols.section("grpc");
      OtlpReceiverConfig.Grpc d = OtlpReceiverConfig.Grpc.DEFAULT;
      grpc = new OtlpReceiverConfig.Grpc(g.string("endpoint", d.endpoint()),
          g.integer("max_recv_msg_size_mib", d.maxRecvMsgSizeMib()), TlsServerSettings.read(g),
          g.section("auth").string("authenticator", d.authenticator()),
          GrpcServerKeepalive.read(g), GrpcServerLimits.read(g));
      // Go transport buffer sizes: grpc-java sizes its own.
      g.bytes("read_buffer_size", 0);
      g.bytes("write_buffer_size", 0);
      String transport = g.string("transport", "tcp");
      if (!transport.equals("tcp")) {
        g.error("transport", "only tcp is supported, got '" + transport + "'");
      }
      // enabled: false is the Collector's way to keep an optional section but leave it out.
      grpc = g.bool("enabled", true) ? grpc : null;
    }
    OtlpReceiverConfig.Http http = null;
    if (protocols.has("http")) {
      ConfigReader h = protocols.section("http");
      OtlpReceiverConfig.Http d = OtlpReceiverConfig.Http.DEFAULT;
      http = new OtlpReceiverConfig.Http(
          h.string("endpoint", d.endpoint()),
          h.bytes("max_request_body_size", d.maxRequestBodySize()),
          h.string("logs_url_path", d.logsUrlPath()),
          h.string("metrics_url_path", d.metricsUrlPath()),
          h.string("traces_url_path", d.tracesUrlPath()),
          h.section("auth").string("authenticator", d.authenticator()),
          TlsServerSettings.read(h), CorsSettings.read(h), HttpServerLimits.read(h));
      http = h.bool("enabled", true) ? http : null;
    }
    return new OtlpReceiverConfig(http, grpc);
  }

  @Override
  public Component createLogs(ComponentContext context, OtlpReceiverConfig config,
      LogsConsumer next) {
    return new OtlpReceiver(context, config, Signal.LOGS, next);
  }

  @Override
  public Component createMetrics(ComponentContext context, OtlpReceiverConfig config,
      MetricsConsumer next) {
    return new OtlpReceiver(context, config, Signal.METRICS, next);
  }

  @Override
  public Component createTraces(ComponentContext context, OtlpReceiverConfig config,
      TracesConsumer next) {
    return new OtlpReceiver(context, config, Signal.TRACES, next);
  }
}
