package dev.tapio.plugin.otlp;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;

/**
 * Configuration of the {@code otlp} receiver, in the Collector's shape; see the package
 * documentation for the keys.
 *
 * @param http the OTLP/HTTP server, or null when {@code protocols} names no {@code http}
 * @param grpc the OTLP/gRPC server, or null when {@code protocols} names no {@code grpc}
 */
public record OtlpReceiverConfig(Http http, Grpc grpc) implements ComponentConfig {

  /** An empty section serves OTLP/HTTP on the default endpoint, which is what users expect. */
  static final OtlpReceiverConfig DEFAULT = new OtlpReceiverConfig(Http.DEFAULT, null);

  /**
   * The {@code protocols.grpc} section.
   *
   * @param endpoint {@code host:port} to listen on; port 0 picks a free one
   * @param maxRecvMsgSizeMib the largest request message, in MiB ({@code max_recv_msg_size_mib})
   * @param tls the {@code tls} section, or null for plaintext
   * @param authenticator the id of an extension that checks each call's metadata ({@code
   *     auth.authenticator}), or empty for none
   * @param keepalive {@code keepalive} and {@code max_concurrent_streams}
   * @param limits {@code max_connections}, {@code max_connections_per_client},
   *     {@code handshake_timeout} and {@code max_rst_streams}: what one client may cost
   */
  public record Grpc(String endpoint, int maxRecvMsgSizeMib, TlsServerSettings tls,
      String authenticator, GrpcServerKeepalive keepalive, GrpcServerLimits limits) {
    static final Grpc DEFAULT = new Grpc("localhost:4317", 4);

    /** Plaintext, without an authenticator, the default connection settings and limits. */
    public Grpc(String endpoint, int maxRecvMsgSizeMib) {
      this(endpoint, maxRecvMsgSizeMib, null, "", GrpcServerKeepalive.DEFAULT,
          GrpcServerLimits.DEFAULT);
    }

    public Grpc {
      endpoint = endpoint == null ? "" : endpoint;
      authenticator = authenticator == null ? "" : authenticator;
      keepalive = keepalive == null ? GrpcServerKeepalive.DEFAULT : keepalive;
      limits = limits == null ? GrpcServerLimits.DEFAULT : limits;
    }

    int maxRecvMsgSizeBytes() {
      return maxRecvMsgSizeMib << 20;
    }
  }

  /**
   * The {@code protocols.http} section.
   *
   * @param endpoint {@code host:port} to listen on; port 0 picks a free one
   * @param maxRequestBodySize the largest request body, after gzip decompression, in bytes
   * @param logsUrlPath the path of logs requests
   * @param metricsUrlPath the path of metrics requests
   * @param tracesUrlPath the path of traces requests
   * @param authenticator the id of an extension that checks each request ({@code
   *     auth.authenticator}), or empty for none
   * @param tls the {@code tls} section (HTTPS), or null for plaintext
   * @param cors the {@code cors} section: which web pages may send
   * @param limits timeouts and connection caps
   */
  public record Http(String endpoint, long maxRequestBodySize, String logsUrlPath,
      String metricsUrlPath, String tracesUrlPath, String authenticator, TlsServerSettings tls,
      CorsSettings cors, HttpServerLimits limits) {
    static final Http DEFAULT = new Http("localhost:4318", 4L << 20, "/v1/logs", "/v1/metrics",
        "/v1/traces", "", null, CorsSettings.NONE, HttpServerLimits.DEFAULT);

    /** Plaintext, without an authenticator. */
    public Http(String endpoint, long maxRequestBodySize, String logsUrlPath,
        String metricsUrlPath, String tracesUrlPath) {
      this(endpoint, maxRequestBodySize, logsUrlPath, metricsUrlPath, tracesUrlPath, "", null,
          CorsSettings.NONE, HttpServerLimits.DEFAULT);
    }

    /** With the default timeouts and connection caps. */
    public Http(String endpoint, long maxRequestBodySize, String logsUrlPath,
        String metricsUrlPath, String tracesUrlPath, String authenticator, TlsServerSettings tls,
        CorsSettings cors) {
      this(endpoint, maxRequestBodySize, logsUrlPath, metricsUrlPath, tracesUrlPath,
          authenticator, tls, cors, HttpServerLimits.DEFAULT);
    }

    public Http {
      endpoint = endpoint == null ? "" : endpoint;
      logsUrlPath = logsUrlPath == null ? "" : logsUrlPath;
      metricsUrlPath = metricsUrlPath == null ? "" : metricsUrlPath;
      tracesUrlPath = tracesUrlPath == null ? "" : tracesUrlPath;
      authenticator = authenticator == null ? "" : authenticator;
      cors = cors == null ? CorsSettings.NONE : cors;
      limits = limits == null ? HttpServerLimits.DEFAULT : limits;
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (http == null && grpc == null) {
      problems.error("protocols", "must enable at least one protocol: grpc or http");
      return;
    }
    // Every interface (0.0.0.0, [::], :port) takes data from any network the host is on, and
    // comes most often from a copied example; the Collector's security guide advises localhost,
    // or the pod's IP in Kubernetes. Only an address literal counts: names are never resolved.
    java.util.function.BiConsumer<String, String> warnIfEveryInterface = (key, endpoint) -> {
      java.net.InetSocketAddress address = Endpoints.parseHostPort(endpoint);
      boolean everyInterface;
      try {
        everyInterface = address != null
            && java.net.InetAddress.ofLiteral(address.getHostString()).isAnyLocalAddress();
      } catch (IllegalArgumentException notALiteral) {
        everyInterface = false;
      }
      if (everyInterface) {
        problems.warning(key, "listens on every network interface ('" + endpoint + "'), so "
            + "anyone who can reach this host can send data; unless other hosts must send here,"
            + " use localhost:" + address.getPort() + ", or in Kubernetes the pod's IP"
            + " (${env:MY_POD_IP}:" + address.getPort() + ")");
      }
    };
    if (grpc != null) {
      if (Endpoints.parseHostPort(grpc.endpoint()) == null) {
        problems.error("protocols.grpc.endpoint",
            "must be host:port (e.g. localhost:4317 or 0.0.0.0:4317), got '" + grpc.endpoint()
                + "'");
      }
      warnIfEveryInterface.accept("protocols.grpc.endpoint", grpc.endpoint());
      if (grpc.maxRecvMsgSizeMib() < 1 || grpc.maxRecvMsgSizeMib() > 1023) {
        problems.error("protocols.grpc.max_recv_msg_size_mib", "must be between 1 and 1023");
      }
      if (grpc.tls() != null) {
        grpc.tls().validate(problems, "protocols.grpc.");
      }
      grpc.keepalive().validate(problems);
      grpc.limits().validate(problems);
      if (http != null && grpc.endpoint().equals(http.endpoint())) {
        problems.error("protocols.grpc.endpoint", "must differ from protocols.http.endpoint");
      }
    }
    if (http == null) {
      return;
    }
    if (Endpoints.parseHostPort(http.endpoint()) == null) {
      problems.error("protocols.http.endpoint",
          "must be host:port (e.g. localhost:4318 or 0.0.0.0:4318), got '" + http.endpoint()
              + "'");
    }
    warnIfEveryInterface.accept("protocols.http.endpoint", http.endpoint());
    if (http.maxRequestBodySize() < 1 || http.maxRequestBodySize() > Integer.MAX_VALUE - 8) {
      problems.error("protocols.http.max_request_body_size", "must be between 1 byte and 2GiB");
    }
    if (http.tls() != null) {
      http.tls().validate(problems, "protocols.http.");
    }
    http.cors().validate(problems);
    http.limits().validate(problems);
    checkPath(problems, "protocols.http.logs_url_path", http.logsUrlPath());
    checkPath(problems, "protocols.http.metrics_url_path", http.metricsUrlPath());
    checkPath(problems, "protocols.http.traces_url_path", http.tracesUrlPath());
  }

  private static void checkPath(ConfigProblems problems, String key, String path) {
    if (!path.startsWith("/")) {
      problems.error(key, "must be a path starting with '/', got '" + path + "'");
    }
  }
}
