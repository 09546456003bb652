package dev.tapio.plugin.otlp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of the Collector's OTLP receiver and exporters that Tapio does not read yet, each with
 * what to do instead: {@link dev.tapio.component.ComponentFactory#unsupportedKeys()} of the three
 * factories, listed in the plugin's README. Immutable.
 */
final class CollectorKeys {
  private static final String PEM = "inline PEM is not read; write it to a file and name the file";
  private static final String OPTIONAL = "write the section to enable it, leave it out to disable"
      + " it";
  private static final String MIDDLEWARES = "Tapio has no middleware extensions";
  private static final String METADATA = "client metadata is not kept; k8sattributes can name"
      + " the sender by its address (pod_association from: connection)";
  private static final String TPM = "keys in a TPM are not supported; use key_file";

  /** TLS keys of configtls that neither side reads, under {@code prefix} ({@code "tls."}). */
  private static void tls(Map<String, String> keys, String prefix) {
    keys.put(prefix + "ca_pem", PEM);
    keys.put(prefix + "cert_pem", PEM);
    keys.put(prefix + "key_pem", PEM);
    keys.put(prefix + "cipher_suites", "the JDK's default TLS 1.2 and 1.3 cipher suites are used");
    keys.put(prefix + "include_insecure_cipher_suites", "insecure cipher suites are never"
        + " offered");
    keys.put(prefix + "curve_preferences", "the JDK's default named groups are used");
    keys.put(prefix + "include_system_ca_certs_pool", "ca_file replaces the JDK's trust store;"
        + " leave ca_file out to use the system's");
    keys.put(prefix + "reload_interval", "certificates are read at start; restart to reload");
    keys.put(prefix + "tpm", TPM);
  }

  static final Map<String, String> RECEIVER;
  static final Map<String, String> GRPC_EXPORTER;
  static final Map<String, String> HTTP_EXPORTER;

  static {
    Map<String, String> r = new TreeMap<>();
    for (String p : new String[] {"protocols.grpc.", "protocols.http."}) {
      r.put(p + "auth.enabled", OPTIONAL);
      r.put(p + "dialer", "a server listens; dialer applies to clients only");
      r.put(p + "include_metadata", METADATA);
      r.put(p + "middlewares", MIDDLEWARES);
      r.put(p + "tls.enabled", OPTIONAL);
      r.put(p + "tls.ca_file", "a server's ca_file is not used; client_ca_file verifies clients");
      r.put(p + "tls.client_ca_file_reload", "client_ca_file is read at start; restart to"
          + " reload");
      tls(r, p + "tls.");
    }
    r.put("protocols.grpc.keepalive.enabled", OPTIONAL);
    r.put("protocols.grpc.keepalive.enforcement_policy.enabled", OPTIONAL);
    r.put("protocols.grpc.keepalive.server_parameters.enabled", OPTIONAL);
    r.put("protocols.http.auth.request_params", "authenticators see headers only");
    r.put("protocols.http.compression_algorithms", "gzip, zstd, snappy, deflate and none are"
        + " always accepted");
    r.put("protocols.http.cors.enabled", OPTIONAL);
    r.put("protocols.http.cors.exposed_headers", "no response header needs exposing");
    r.put("protocols.http.keep_alives_enabled", "connections are always kept alive; idle_timeout"
        + " closes idle ones");
    r.put("protocols.http.response_headers", "responses carry only OTLP's headers");
    r.put("protocols.http.transport", "only tcp is served");
    RECEIVER = Map.copyOf(r);

    Map<String, String> client = new TreeMap<>();
    client.put("auth.enabled", OPTIONAL);
    client.put("middlewares", MIDDLEWARES);
    client.put("sending_queue.batch.partition", "batches are not partitioned by client"
        + " metadata");
    tls(client, "tls.");
    Map<String, String> g = new TreeMap<>(client);
    g.put("authority", "the :authority is the endpoint's host:port");
    g.put("keepalive", "the gRPC channel's keepalive pings are not configurable yet; idle"
        + " connections are kept by the channel's defaults");
    g.put("user_agent", "the user agent names Tapio and grpc-java");
    GRPC_EXPORTER = Map.copyOf(g);
    Map<String, String> h = new TreeMap<>(client);
    h.put("cookies", "responses' cookies are not kept");
    h.put("profiles_endpoint", "Tapio has no profiles signal");
    h.put("proxy_url", "the JDK's proxy settings apply (-Dhttps.proxyHost, -Dhttp.proxyHost)");
    HTTP_EXPORTER = Map.copyOf(h);
  }

  private CollectorKeys() {}
}
