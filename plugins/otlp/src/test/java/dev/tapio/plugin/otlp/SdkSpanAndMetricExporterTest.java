package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.pdata.Metric;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.Span;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.testkit.ConsumerSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** opentelemetry-java's OTLP/HTTP span and metric exporters send to Tapio's receiver. */
class SdkSpanAndMetricExporterTest {

  @Test
  void spansArriveWithTheirFields() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
              "api")))
          .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
              .setEndpoint(receiver.baseUrl() + "/v1/traces").build()))
          .build();
      io.opentelemetry.api.trace.Span sdkSpan;
      try {
        sdkSpan = provider.get("scope").spanBuilder("GET /orders")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
            .setStartTimestamp(1_000, TimeUnit.NANOSECONDS)
            .setAttribute("http.response.status_code", 503L)
            .startSpan();
        sdkSpan.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L), 1_500,
            TimeUnit.NANOSECONDS);
        sdkSpan.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "backend down");
        sdkSpan.end(2_000, TimeUnit.NANOSECONDS);
        assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
      } finally {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }
      sink.awaitItems(1, Duration.ofSeconds(10));
      var rs = sink.traces().getFirst().resourceSpans().get(0);
      assertEquals("api", rs.resource().attributes().getString("service.name"));
      Span span = rs.scopeSpans().get(0).spans().get(0);
      assertEquals("GET /orders", span.name());
      assertEquals(SpanKind.SERVER, span.kind());
      assertEquals(1_000, span.startTimeUnixNano());
      assertEquals(2_000, span.endTimeUnixNano());
      assertEquals(503, span.attributes().getLong("http.response.status_code", 0));
      assertEquals(StatusCode.ERROR, span.statusCode());
      assertEquals("backend down", span.statusMessage());
      assertArrayEquals(HexFormat.of().parseHex(sdkSpan.getSpanContext().getTraceId()),
          span.traceId());
      assertArrayEquals(HexFormat.of().parseHex(sdkSpan.getSpanContext().getSpanId()),
          span.spanId());
      assertEquals(1, span.events().size());
      assertEquals("retry", span.events().get(0).name());
      assertEquals(1_500, span.events().get(0).timeUnixNano());
      assertEquals(2, span.events().get(0).attributes().getLong("attempt", 0));
    }
  }

  @Test
  void aCounterAndAHistogramArriveWithTheirPoints() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      SdkMeterProvider provider = SdkMeterProvider.builder()
          .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
              .setEndpoint(receiver.baseUrl() + "/v1/metrics").build())
              .setInterval(Duration.ofHours(1)).build())
          .build();
      try {
        var meter = provider.get("scope");
        var counter = meter.counterBuilder("requests").setUnit("1").build();
        counter.add(3, Attributes.of(AttributeKey.stringKey("route"), "/a"));
        counter.add(4, Attributes.of(AttributeKey.stringKey("route"), "/a"));
        var histogram = meter.histogramBuilder("latency").setUnit("ms").build();
        histogram.record(3);
        histogram.record(700);
        assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
      } finally {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }
      sink.awaitItems(2, Duration.ofSeconds(10));
      var metrics = sink.metrics().getFirst().resourceMetrics().get(0).scopeMetrics().get(0)
          .metrics();
      Metric requests = null;
      Metric latency = null;
      for (Metric m : metrics) {
        if (m.name().equals("requests")) {
          requests = m;
        } else if (m.name().equals("latency")) {
          latency = m;
        }
      }
      assertEquals(MetricType.SUM, requests.type());
      assertTrue(requests.isMonotonic());
      assertEquals(7, requests.numberPoints().get(0).longValue());
      assertEquals("/a", requests.numberPoints().get(0).attributes().getString("route"));
      assertEquals(MetricType.HISTOGRAM, latency.type());
      var point = latency.histogramPoints().get(0);
      assertEquals(2, point.count());
      assertEquals(703, point.sum());
      long total = 0;
      for (long c : point.bucketCounts()) {
        total += c;
      }
      assertEquals(2, total);
    }
  }
}
