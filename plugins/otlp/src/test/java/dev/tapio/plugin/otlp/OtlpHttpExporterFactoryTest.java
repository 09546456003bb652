package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.exporterhelper.QueueSettings;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Compression;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Retry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpHttpExporterFactoryTest {
  private final OtlpHttpExporterFactory factory = new OtlpHttpExporterFactory();

  @Test
  void theCollectorsCurrentNamesArePrimaryAndTheOldOnesStillWork() {
    assertEquals("otlp_http", factory.type());
    assertEquals(java.util.Set.of("otlphttp"), factory.aliases());
    assertEquals("otlp_grpc", new OtlpGrpcExporterFactory().type());
    assertEquals(java.util.Set.of("otlp"), new OtlpGrpcExporterFactory().aliases());
    assertEquals(null, factory.deprecation("otlphttp"), "the old names are not deprecated");
  }

  @Test
  void theEndpointIsRequired() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(factory, ""));
    assertTrue(e.getMessage().startsWith("component.yaml:1:1: exporter 'otlp_http', key"
        + " 'endpoint': is required"), e.getMessage());
  }

  @Test
  void defaultsAreTheCollectors() throws ConfigException {
    OtlpHttpExporterConfig config =
        ComponentConfigs.read(factory, "endpoint: http://gateway:4318\n");
    assertEquals(Compression.GZIP, config.compression());
    assertEquals(Duration.ofSeconds(10), config.timeout());
    assertEquals(new Retry(true, Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofSeconds(300), 1.5), config.retry());
    assertEquals(new QueueSettings(true, 1000, 4, false, null), config.queue());
    assertEquals("http://gateway:4318/v1/logs", config.url("", "/v1/logs"));
  }

  @Test
  void everyKeyIsRead() throws ConfigException {
    OtlpHttpExporterConfig config = ComponentConfigs.read(factory, """
        endpoint: http://gateway:4318/
        traces_endpoint: http://tempo:4318/otlp/v1/traces
        logs_endpoint: ""
        metrics_endpoint: ""
        headers:
          Authorization: Bearer abc
        allow_plaintext_credentials: true
        compression: none
        encoding: proto
        timeout: 2s
        retry_on_failure:
          enabled: false
          initial_interval: 100ms
          max_interval: 1s
          max_elapsed_time: 0
          multiplier: 2
        sending_queue:
          enabled: false
        """);
    assertEquals(new OtlpHttpExporterConfig("http://gateway:4318/", "", "",
        "http://tempo:4318/otlp/v1/traces", Map.of("Authorization", "Bearer abc"),
        Compression.NONE, Duration.ofSeconds(2), new Retry(false, Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ZERO, 2),
        new QueueSettings(false, 1000, 4, false, null), TlsClientSettings.DEFAULT, "", false,
        Codecs.DEFAULT_GZIP_LEVEL, true), config);
    assertEquals("http://gateway:4318/v1/metrics", config.url("", "/v1/metrics"));
    var exporter = new OtlpHttpExporter(Exporters.context(Signal.TRACES), config, Signal.TRACES);
    assertEquals("http://tempo:4318/otlp/v1/traces", exporter.url());
  }

  @Test
  void badValuesAreReportedAtTheirLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        endpoint: ftp://gateway:4318
        compression: brotli
        encoding: xml
        retry_on_failure:
          initial_interval: 10s
          max_interval: 1s
        compression_params: {level: 12}
        """));
    String m = e.getMessage();
    assertTrue(m.contains("key 'compression_params.level': must be a gzip level from 1"), m);
    assertTrue(m.contains("component.yaml:1:11: exporter 'otlp_http', key 'endpoint': must be an"
        + " http:// or https:// URL"), m);
    assertTrue(m.contains("component.yaml:2:14: exporter 'otlp_http', key 'compression'"), m);
    assertTrue(m.contains("component.yaml:3:11: exporter 'otlp_http', key 'encoding': must be"
        + " proto or json"), m);
    assertTrue(m.contains("component.yaml:6:17: exporter 'otlp_http', key"
        + " 'retry_on_failure.max_interval': must be >= initial_interval"), m);
  }

  @Test
  void theCurrentSendingQueueKeysAreRead() throws ConfigException {
    OtlpHttpExporterConfig config = ComponentConfigs.read(factory, """
        endpoint: http://gateway:4318
        sending_queue:
          sizer: items
          queue_size: 50000
          wait_for_result: true
          batch:
            flush_timeout: 1s
            min_size: 1000
            max_size: 2000
        """);
    var batch = new dev.tapio.exporterhelper.BatchSettings(Duration.ofSeconds(1), 1000, 2000,
        dev.tapio.exporterhelper.QueueSizer.ITEMS);
    assertEquals(new QueueSettings(true, 50000, 4, false, null,
        dev.tapio.exporterhelper.QueueSizer.ITEMS, true, batch), config.queue());
    // An empty batch section turns batching on with the Collector's defaults, sized in items
    // when the queue counts requests; the queue's sizer otherwise.
    assertEquals(dev.tapio.exporterhelper.BatchSettings.DEFAULT, ComponentConfigs.read(factory,
        "endpoint: http://g:4318\nsending_queue: {batch: {}}\n").queue().batch());
    assertEquals(dev.tapio.exporterhelper.QueueSizer.BYTES, ComponentConfigs.read(factory,
        "endpoint: http://g:4318\nsending_queue: {sizer: bytes, queue_size: 1000000, batch: {}}\n")
        .queue().batch().sizer());
    assertEquals(null, ComponentConfigs.read(factory, "endpoint: http://g:4318\n").queue()
        .batch(), "no batch section, no batching");
    assertEquals(null, ComponentConfigs.read(factory, "endpoint: http://g:4318\n"
        + "sending_queue: {batch: {enabled: false, min_size: 10}}\n").queue().batch());
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        "endpoint: http://g:4318\nproxy_url: http://proxy:3128\n"));
    assertTrue(e.getMessage().contains("component.yaml:2:1: exporter 'otlp_http', key 'proxy_url':"
        + " is not supported yet: the JDK's proxy settings apply"), e.getMessage());
  }

  @Test
  void badSendingQueueValuesSayWhatIsValid() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        """
        endpoint: http://gateway:4318
        sending_queue:
          sizer: records
        """));
    assertTrue(e.getMessage().contains("component.yaml:3:10: exporter 'otlp_http', key"
        + " 'sending_queue.sizer': invalid value 'records'; valid values: requests, items, bytes"),
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory, """
        endpoint: http://gateway:4318
        sending_queue:
          batch:
            flush_timeout: 0s
            min_size: 100
            max_size: 10
            sizer: requests
        """));
    String m = e.getMessage();
    assertTrue(m.contains("component.yaml:4:20: exporter 'otlp_http', key"
        + " 'sending_queue.batch.flush_timeout': must be more than zero"), m);
    assertTrue(m.contains("key 'sending_queue.batch.max_size': must be 0 (no limit) or at least"
        + " min_size (100), got 10"), m);
    assertTrue(m.contains("key 'sending_queue.batch.sizer': 'requests' cannot size a batch"), m);
  }

  @Test
  void waitForResultWithBatchWarnsAndBlockingIsADeprecatedName() throws ConfigException {
    var warnings = ComponentConfigs.warnings(factory, """
        endpoint: http://gateway:4318
        sending_queue:
          blocking: true
          wait_for_result: true
          batch: {}
        """);
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("'sending_queue.blocking': is deprecated"), warnings
        .toString());
    assertTrue(warnings.get(1).contains("'sending_queue.wait_for_result': with batch"), warnings
        .toString());
    assertTrue(ComponentConfigs.read(factory, """
        endpoint: http://gateway:4318
        sending_queue: {blocking: true}
        """).queue().blockOnOverflow());
  }
}
