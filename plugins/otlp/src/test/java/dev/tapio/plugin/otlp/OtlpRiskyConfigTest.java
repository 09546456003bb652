package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Risky settings (issue 10, case 7): a listener on every interface is a warning at the endpoint;
 * a credential to a plain-http URL is an error there unless explicitly allowed.
 */
class OtlpRiskyConfigTest {
  private static final OtlpReceiverFactory RECEIVER = new OtlpReceiverFactory();
  private static final OtlpHttpExporterFactory OTLPHTTP = new OtlpHttpExporterFactory();

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

  @Test
  void anAuthenticatorToAPlainHttpUrlIsRefusedAtTheUrl() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(OTLPHTTP,
        """
        endpoint: http://gateway:4318
        auth: {authenticator: bearertokenauth}
        """));
    assertEquals(List.of("component.yaml:1:11: exporter 'otlp_http', key 'endpoint': "
        + "'http://gateway:4318' is plain http, so auth.authenticator would send credentials in"
        + " plaintext; use an https:// URL, or set allow_plaintext_credentials: true if the "
        + "network is trusted"), e.errors().stream().map(ConfigError::toString).toList());
  }

  @Test
  void anAuthorizationHeaderToAPlainHttpUrlIsRefusedAtEachUrlInUse() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(OTLPHTTP,
        """
        endpoint: http://gateway:4318
        traces_endpoint: http://tempo:4318/v1/traces
        metrics_endpoint: https://mimir/otlp/v1/metrics
        headers: {authorization: Bearer abc}
        """));
    assertEquals(List.of(
        "component.yaml:1:11: exporter 'otlp_http', key 'endpoint': 'http://gateway:4318' is "
            + "plain http, so the authorization header would send credentials in plaintext; use"
            + " an https:// URL, or set allow_plaintext_credentials: true if the network is "
            + "trusted",
        "component.yaml:2:18: exporter 'otlp_http', key 'traces_endpoint': "
            + "'http://tempo:4318/v1/traces' is plain http, so the authorization header would "
            + "send credentials in plaintext; use an https:// URL, or set "
            + "allow_plaintext_credentials: true if the network is trusted"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @Test
  void credentialsGoToHttpsTheLoopbackOrWhereExplicitlyAllowed() throws Exception {
    ComponentConfigs.read(OTLPHTTP, """
        endpoint: https://gateway:4318
        auth: {authenticator: bearertokenauth}
        headers: {Authorization: Bearer abc}
        """);
    for (String local : List.of("http://localhost:4318", "http://127.0.0.1:4318",
        "http://[::1]:4318")) {
      ComponentConfigs.read(OTLPHTTP, "endpoint: \"" + local + "\"\n"
          + "auth: {authenticator: bearertokenauth}\n");
    }
    OtlpHttpExporterConfig allowed = ComponentConfigs.read(OTLPHTTP, """
        endpoint: http://gateway:4318
        auth: {authenticator: bearertokenauth}
        allow_plaintext_credentials: true
        """);
    assertEquals(true, allowed.allowPlaintextCredentials());
    // A plain-http endpoint no signal uses sends nothing.
    ComponentConfigs.read(OTLPHTTP, """
        endpoint: http://unused:4318
        logs_endpoint: https://a/v1/logs
        metrics_endpoint: https://a/v1/metrics
        traces_endpoint: https://a/v1/traces
        headers: {Authorization: Bearer abc}
        """);
    // Without a credential, plain http is fine.
    ComponentConfigs.read(OTLPHTTP, "endpoint: http://gateway:4318\n");
  }
}
