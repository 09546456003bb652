package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.ValueType;
import dev.tapio.testkit.ConsumerSink;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** opentelemetry-java's own OTLP/HTTP log exporter, an independent client, sends to Tapio. */
class SdkLogExporterTest {

  @Test
  void everyFieldOfAnSdkLogRecordArrivesIntact() throws Exception {
    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
          .setEndpoint(receiver.baseUrl() + "/v1/logs")
          .setCompression("gzip")
          .build();
      SdkLoggerProvider provider = SdkLoggerProvider.builder()
          .setResource(Resource.create(Attributes.of(
              AttributeKey.stringKey("service.name"), "checkout",
              AttributeKey.longKey("service.instance.count"), 3L)))
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
          .build();
      try {
        Logger logger = provider.loggerBuilder("com.example.scope")
            .setInstrumentationVersion("2.1.0")
            .build();
        SpanContext spanContext = SpanContext.create("0102030405060708090a0b0c0d0e0f10",
            "0807060504030201", TraceFlags.getSampled(), TraceState.getDefault());
        logger.logRecordBuilder()
            .setTimestamp(1_700_000_000_123_456_789L, TimeUnit.NANOSECONDS)
            .setObservedTimestamp(1_700_000_000_223_456_789L, TimeUnit.NANOSECONDS)
            .setSeverity(io.opentelemetry.api.logs.Severity.ERROR2)
            .setSeverityText("error")
            .setBody("disk full")
            .setEventName("storage.full")
            .setContext(Span.wrap(spanContext).storeInContext(Context.root()))
            .setAttribute(AttributeKey.stringKey("s"), "ü text")
            .setAttribute(AttributeKey.longKey("l"), -7L)
            .setAttribute(AttributeKey.doubleKey("d"), 0.25)
            .setAttribute(AttributeKey.booleanKey("b"), true)
            .setAttribute(AttributeKey.stringArrayKey("sa"), List.of("x", "y"))
            .setAttribute(AttributeKey.longArrayKey("la"), List.of(1L, 2L))
            .emit();
        assertEquals(true,
            provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "export succeeded");
      } finally {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }

      sink.awaitItems(1, Duration.ofSeconds(10));
      assertEquals(1, sink.logs().size());
      ResourceLogs rl = sink.logs().getFirst().resourceLogs().get(0);
      assertEquals("checkout", rl.resource().attributes().getString("service.name"));
      assertEquals(3, rl.resource().attributes().getLong("service.instance.count", -1));
      var sl = rl.scopeLogs().get(0);
      assertEquals("com.example.scope", sl.scope().name());
      assertEquals("2.1.0", sl.scope().version());
      LogRecord r = sl.logRecords().get(0);
      assertEquals(1_700_000_000_123_456_789L, r.timeUnixNano());
      assertEquals(1_700_000_000_223_456_789L, r.observedTimeUnixNano());
      assertEquals(Severity.ERROR2, r.severity());
      assertEquals("error", r.severityText());
      assertEquals("disk full", r.bodyString());
      assertEquals("storage.full", r.eventName());
      assertArrayEquals(Samples.TRACE_ID, r.traceId());
      assertArrayEquals(Samples.SPAN_ID, r.spanId());
      assertEquals(1, r.flags() & 0xFF, "sampled flag");
      var a = r.attributes();
      assertEquals(6, a.size());
      assertEquals("ü text", a.getString("s"));
      assertEquals(-7, a.getLong("l", 0));
      assertEquals(0.25, a.getDouble("d", 0));
      assertEquals(true, a.getBool("b", false));
      assertEquals(AnyValue.ofArray(List.of(AnyValue.of("x"), AnyValue.of("y"))), a.get("sa"));
      assertEquals(ValueType.ARRAY, a.get("la").type());
      assertEquals(List.of(AnyValue.of(1L), AnyValue.of(2L)), a.get("la").asArray());
    }
  }
}
