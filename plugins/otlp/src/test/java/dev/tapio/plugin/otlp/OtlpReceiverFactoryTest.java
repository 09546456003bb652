package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OtlpReceiverFactoryTest {
  private final OtlpReceiverFactory factory = new OtlpReceiverFactory();

  @Test
  void describesItself() {
    assertEquals("otlp", factory.type());
    assertEquals(Set.of(Signal.LOGS, Signal.METRICS, Signal.TRACES), factory.signals());
  }

  @Test
  void anEmptySectionServesHttpOnTheDefaultEndpoint() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, "");
    assertEquals(new OtlpReceiverConfig(new OtlpReceiverConfig.Http("localhost:4318", 4 << 20,
        "/v1/logs", "/v1/metrics", "/v1/traces"), null), config);
  }

  @Test
  void collectorYamlWithOnlyHttpIsRead() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: 0.0.0.0:4318
            max_request_body_size: 8MiB
        """);
    assertEquals("0.0.0.0:4318", config.http().endpoint());
    assertEquals(8 << 20, config.http().maxRequestBodySize());
    assertEquals(null, config.grpc());
  }

  @Test
  void anHttpKeyWithoutValueTakesTheDefaults() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          http:
        """);
    assertEquals(OtlpReceiverConfig.Http.DEFAULT, config.http());
  }

  @Test
  void everyHttpKeyIsRead() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          http:
            endpoint: "[::1]:4318"
            max_request_body_size: 1024
            logs_url_path: /a
            metrics_url_path: /b
            traces_url_path: /c
        """);
    assertEquals(new OtlpReceiverConfig(new OtlpReceiverConfig.Http("[::1]:4318", 1024, "/a",
        "/b", "/c"), null), config);
  }

  @Test
  void collectorYamlWithGrpcAndHttpIsRead() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
            endpoint: 0.0.0.0:4317
            max_recv_msg_size_mib: 8
          http:
            endpoint: 0.0.0.0:4318
        """);
    assertEquals(new OtlpReceiverConfig.Grpc("0.0.0.0:4317", 8), config.grpc());
    assertEquals("0.0.0.0:4318", config.http().endpoint());
  }

  @Test
  void collectorGrpcConnectionKeysAreReadAndApplied() throws Exception {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
            endpoint: 127.0.0.1:0
            max_concurrent_streams: 16
            read_buffer_size: 524288
            write_buffer_size: 0
            transport: tcp
            keepalive:
              server_parameters:
                max_connection_idle: 11s
                max_connection_age: 300ms
                max_connection_age_grace: 5s
                time: 30s
                timeout: 5s
              enforcement_policy:
                min_time: 10s
                permit_without_stream: true
        """);
    assertEquals(new GrpcServerKeepalive(Duration.ofSeconds(11),
        Duration.ofMillis(300), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofSeconds(5),
        Duration.ofSeconds(10), true, 16), config.grpc().keepalive());
    // Connections closed by age every 300 ms: calls keep succeeding across the reconnections.
    ConsumerSink sink = new ConsumerSink();
    var receiver = (OtlpReceiver) factory.createLogs(new TestContext("otlp",
        Kind.RECEIVER, Signal.LOGS), config, sink);
    receiver.start(new TestHost());
    var exporter = new OtlpGrpcExporterFactory().createLogs(new TestContext(
        "otlp", Kind.EXPORTER, Signal.LOGS),
        ComponentConfigs.read(new OtlpGrpcExporterFactory(), """
            endpoint: 127.0.0.1:%d
            tls: {insecure: true}
            sending_queue: {enabled: false}
            retry_on_failure: {initial_interval: 10ms, max_interval: 50ms}
            """.formatted(receiver.grpcAddress().getPort())));
    exporter.start(new TestHost());
    try {
      for (int i = 0; i < 20; i++) {
        exporter.consumeLogs(LogsBuilder.logs("age", 5));
        Thread.sleep(50);
      }
      assertEquals(100, sink.itemCount());
    } finally {
      exporter.shutdown();
      receiver.shutdown();
    }
    ConfigException udp = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        factory, "protocols: {grpc: {transport: udp}}"));
    assertTrue(udp.getMessage().contains("only tcp"), udp.getMessage());
  }

  @Test
  void aGrpcKeyWithoutValueTakesTheDefaults() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
        """);
    assertEquals(new OtlpReceiverConfig.Grpc("localhost:4317", 4), config.grpc());
    assertEquals(null, config.http());
  }

  @Test
  void grpcLimitsAgainstHostileClientsAreReadWithTheirDefaults() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
            max_connections: 100
            max_connections_per_client: 10
            handshake_timeout: 3s
            max_rst_streams: 50
            max_rst_streams_window: 5s
        """);
    assertEquals(new GrpcServerLimits(100, 10, Duration.ofSeconds(3), 50,
        Duration.ofSeconds(5)), config.grpc().limits());
    assertEquals(100, config.grpc().limits().connectionCap());

    OtlpReceiverConfig defaults = ComponentConfigs.read(factory, "protocols: {grpc: {}}\n");
    GrpcServerLimits d = defaults.grpc().limits();
    assertEquals(new GrpcServerLimits(0, 0, Duration.ofSeconds(10), 500, Duration.ofSeconds(10)),
        d);
    long fds = ((com.sun.management.UnixOperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    assertEquals((fds - ConnectionGate.FD_RESERVE) / 2, d.connectionCap(),
        "half the descriptor limit, less the gate's reserve");
    assertEquals(Duration.ofMinutes(5), defaults.grpc().keepalive().maxConnectionIdle());
    assertEquals(250, defaults.grpc().keepalive().maxConcurrentStreams());

    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        protocols:
          grpc:
            max_connections: -1
            max_connections_per_client: -2
            handshake_timeout: 0s
            max_rst_streams: -3
            max_rst_streams_window: 1500ms
        """));
    String m = e.getMessage();
    for (String key : new String[] {"max_connections'", "max_connections_per_client'",
        "handshake_timeout'", "max_rst_streams'", "max_rst_streams_window'"}) {
      assertTrue(m.contains("'protocols.grpc." + key), key + " in " + m);
    }
  }

  @Test
  void aBadGrpcEndpointIsReportedAtItsLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        protocols:
          grpc:
            endpoint: nowhere
        """));
    assertTrue(e.getMessage().contains("'protocols.grpc.endpoint': must be host:port"),
        e.getMessage());
  }

  @Test
  void badValuesAreReportedAtTheirLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        protocols:
          http:
            endpoint: localhost
            max_request_body_size: lots
            logs_path: /v1/logs
        """));
    String m = e.getMessage();
    assertTrue(m.contains("component.yaml:3:15: receiver 'otlp', key 'protocols.http.endpoint':"
        + " must be host:port"), m);
    assertTrue(m.contains("component.yaml:4:28: receiver 'otlp', key"
        + " 'protocols.http.max_request_body_size'"), m);
    assertTrue(m.contains("component.yaml:5:5:") && m.contains("logs_path"), m);
  }

  @Test
  void protocolsWithoutAnyProtocolIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, "protocols: {}\n"));
    assertTrue(e.getMessage().contains("must enable at least one protocol"), e.getMessage());
  }

  @Test
  void twoReceiversOfOneSignalCannotShareAnEndpoint() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver first = new Receiver(sink, sink, sink)) {
      String endpoint = "127.0.0.1:" + first.uri("/").getPort();
      var d = OtlpReceiverConfig.Http.DEFAULT;
      var config = new OtlpReceiverConfig(new OtlpReceiverConfig.Http(endpoint,
          d.maxRequestBodySize(), d.logsUrlPath(), d.metricsUrlPath(), d.tracesUrlPath()), null);
      var context = new TestContext("otlp/2", Kind.RECEIVER, Signal.LOGS);
      var second = factory.createLogs(context, config, sink);
      Exception e = assertThrows(Exception.class,
          () -> second.start(new TestHost()));
      second.shutdown();
      assertTrue(e.getMessage().contains("in use") || e.getMessage().contains("already"),
          e.getMessage());
    }
  }

  @Test
  void enabledFalseLeavesAProtocolOutAndItsKeysAreStillChecked() throws ConfigException {
    OtlpReceiverConfig config = ComponentConfigs.read(factory, """
        protocols:
          grpc:
            enabled: false
            endpoint: 0.0.0.0:4317
          http:
            enabled: true
        """);
    assertEquals(null, config.grpc());
    assertEquals(OtlpReceiverConfig.Http.DEFAULT.endpoint(), config.http().endpoint());
  }

  @Test
  void aCollectorKeyNotReadYetIsRefusedAsNotSupportedWithWhatToDo() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, """
            protocols:
              http:
                include_metadata: true
                tls:
                  cert_pem: abc
            """));
    String m = e.getMessage();
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("component.yaml:3:5: receiver 'otlp',"
        + " key 'protocols.http.include_metadata': is not supported yet: client metadata is not"
        + " kept"), m);
    org.junit.jupiter.api.Assertions.assertTrue(m.contains("component.yaml:5:7: receiver 'otlp',"
        + " key 'protocols.http.tls.cert_pem': is not supported yet: inline PEM is not read"), m);
  }
}
