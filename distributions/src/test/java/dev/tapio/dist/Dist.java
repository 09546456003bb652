package dev.tapio.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the assembled distribution is, and helpers to read what it wrote. */
final class Dist {
  private Dist() {}

  static Path home() {
    String dir = System.getProperty("tapio.dist");
    if (dir == null) {
      throw new IllegalStateException("system property tapio.dist is not set; run with mvn verify");
    }
    return Path.of(dir);
  }

  static Path plugins() {
    return home().resolve("plugins");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final Pattern SEQ =
      Pattern.compile("\"key\":\"synthetic\\.seq\",\"value\":\\{\"intValue\":\"(\\d+)\"\\}");

  /** Every synthetic.seq value in the OTLP-JSON files of a directory, in file order. */
  static List<Long> seqs(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          Matcher m = SEQ.matcher(line);
          while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
          }
        }
      }
    }
    return out;
  }

  /**
   * Writes {@code dir/gateway.yaml}: the documented at-least-once gateway — OTLP/HTTP in on
   * {@code gatewayPort}, a synchronous pipeline, otlphttp out to {@code backendPort} with its
   * sending queue in {@code storage} and retries that never give up, self-telemetry on
   * {@code metricsPort}.
   */
  static Path persistentGateway(Path dir, Path storage, int gatewayPort, int backendPort,
      int metricsPort) throws IOException {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, """
        extensions: {file_storage: {directory: "%s"}}
        receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:%d"}}}}
        exporters:
          otlphttp:
            endpoint: "http://127.0.0.1:%d"
            sending_queue: {storage: file_storage}
            retry_on_failure: {initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 0s}
        service:
          extensions: [file_storage]
          telemetry: {metrics: {address: "127.0.0.1:%d"}}
          pipelines:
            logs: {receivers: [otlp], exporters: [otlphttp], queue: {size: 0}}
        """.formatted(storage, gatewayPort, backendPort, metricsPort));
    return config;
  }
}
