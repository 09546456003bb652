package dev.tapio.engine.telemetry;

import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The engine's own metrics, through opentelemetry-sdk, served as Prometheus text on
 * {@code host:port/metrics} together with {@code /healthz} and {@code /readyz}.
 *
 * <p>Hot paths never touch the SDK: they add to a {@link LongAdder} obtained once from
 * {@link #counter}; asynchronous instruments read the adders at scrape time. Thread-safe.
 */
public final class SelfTelemetry implements AutoCloseable {
  private final SdkMeterProvider provider;
  private final Meter meter;
  private final PrometheusHttpServer server;
  private final Health health;
  private final Map<String, Family<LongAdder>> counters = new ConcurrentHashMap<>();
  private final Map<String, Family<DoubleSupplier>> gauges = new ConcurrentHashMap<>();

  private record Series<V>(Attributes attributes, V value) {}

  private static final class Family<V> {
    final List<Series<V>> series = new CopyOnWriteArrayList<>();
  }

  private SelfTelemetry(Health health, String host, int port) {
    this.health = health;
    var builder = SdkMeterProvider.builder().setResource(Resource.empty());
    if (port >= 0) {
      server = PrometheusHttpServer.builder()
          .setHost(host)
          .setPort(port)
          .setOtelScopeEnabled(false)
          .setDefaultHandler(this::handleHealth)
          .build();
      builder.registerMetricReader(server);
    } else {
      server = null;
    }
    provider = builder.build();
    meter = provider.get("dev.tapio.engine");
    ProcessMetrics.register(meter, health);
  }

  /**
   * Starts self-telemetry. {@code port < 0} disables the HTTP endpoint (metrics are still
   * counted, for embedding and tests). Throws with the address when the port is taken.
   */
  public static SelfTelemetry start(Health health, String host, int port) {
    try {
      return new SelfTelemetry(health, host, port);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot serve self-telemetry on " + host + ":" + port
          + ": " + cause.getMessage()
          + " (set service.telemetry.metrics.address, or level: none to disable)", e);
    }
  }

  public Health health() {
    return health;
  }

  /**
   * The adder behind the counter {@code name} with these attributes, registering the metric on
   * first use. Exposed as {@code name_total}. The same name and attributes give the same adder.
   */
  public LongAdder counter(String name, String description, Attributes attributes) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    Family<LongAdder> family = counters.computeIfAbsent(base, n -> {
      Family<LongAdder> f = new Family<>();
      meter.counterBuilder(n).setDescription(description).buildWithCallback(m -> {
        for (Series<LongAdder> s : f.series) {
          m.record(s.value().sum(), s.attributes());
        }
      });
      return f;
    });
    synchronized (family) {
      for (Series<LongAdder> s : family.series) {
        if (s.attributes().equals(attributes)) {
          return s.value();
        }
      }
      LongAdder adder = new LongAdder();
      family.series.add(new Series<>(attributes, adder));
      return adder;
    }
  }

  /**
   * A histogram of durations in seconds with the given bucket boundaries, exposed as {@code
   * name_seconds_bucket}, {@code _sum} and {@code _count}. Record per batch, not per item.
   */
  public DoubleHistogram secondsHistogram(String name, String description, List<Double> buckets) {
    return meter.histogramBuilder(name).setDescription(description).setUnit("s")
        .setExplicitBucketBoundariesAdvice(buckets).build();
  }

  /** A gauge read at every scrape; registering the same name and attributes replaces it. */
  public void gauge(String name, String description, Attributes attributes, DoubleSupplier value) {
    Family<DoubleSupplier> family = gauges.computeIfAbsent(name, n -> {
      Family<DoubleSupplier> f = new Family<>();
      meter.gaugeBuilder(n).setDescription(description).buildWithCallback(m -> {
        for (Series<DoubleSupplier> s : f.series) {
          double v = s.value().getAsDouble();
          if (!Double.isNaN(v)) {
            m.record(v, s.attributes());
          }
        }
      });
      return f;
    });
    synchronized (family) {
      family.series.removeIf(s -> s.attributes().equals(attributes));
      family.series.add(new Series<>(attributes, value));
    }
  }

  private void handleHealth(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int code;
    String body;
    switch (path) {
      case "/healthz" -> {
        code = health.alive() ? 200 : 503;
        body = health.aliveJson();
      }
      case "/readyz" -> {
        code = health.ready() ? 200 : 503;
        body = health.readyJson();
      }
      default -> {
        code = 404;
        body = "{\"error\":\"not found; try /metrics, /healthz or /readyz\"}";
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    provider.close();
  }
}
