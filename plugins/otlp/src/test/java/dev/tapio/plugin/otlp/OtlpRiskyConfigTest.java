package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.engine.config.ComponentConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Risky settings (issue 10, case 7): a listener on every interface is a warning at the endpoint.
 */
class OtlpRiskyConfigTest {
  private static final OtlpReceiverFactory RECEIVER = new OtlpReceiverFactory();

  private static String everyInterface(String endpoint, int port) {
    return "listens on every network interface ('" + endpoint + "'), so anyone who can reach "
        + "this host can send data; unless other hosts must send here, use localhost:" + port
        + ", or in Kubernetes the pod's IP (${env:MY_POD_IP}:" + port + ")";
  }

  @Test
  void aReceiverOnEveryInterfaceWarnsAtEachEndpoint() throws Exception {
    assertEquals(List.of(
        "component.yaml:3:15: receiver 'otlp', key 'protocols.grpc.endpoint': "
            + everyInterface("0.0.0.0:4317", 4317),
        "component.yaml:5:15: receiver 'otlp', key 'protocols.http.endpoint': "
            + everyInterface("[::]:4318", 4318)),
        ComponentConfigs.warnings(RECEIVER, """
            protocols:
              grpc:
                endpoint: 0.0.0.0:4317
              http:
                endpoint: "[::]:4318"
            """));
    assertEquals(List.of("component.yaml:1:30: receiver 'otlp', key 'protocols.http.endpoint': "
            + everyInterface(":4318", 4318)),
        ComponentConfigs.warnings(RECEIVER, "protocols: {http: {endpoint: \":4318\"}}"));
  }

  @Test
  void aReceiverOnOneInterfaceDoesNotWarn() throws Exception {
    assertEquals(List.of(), ComponentConfigs.warnings(RECEIVER, ""));
    assertEquals(List.of(), ComponentConfigs.warnings(RECEIVER, """
        protocols:
          grpc: {endpoint: "10.0.0.7:4317"}
          http: {endpoint: "[::1]:4318"}
        """));
    assertEquals(List.of(), ComponentConfigs.warnings(RECEIVER,
        "protocols: {grpc: {endpoint: \"collector.example:4317\"}}"));
  }
}
