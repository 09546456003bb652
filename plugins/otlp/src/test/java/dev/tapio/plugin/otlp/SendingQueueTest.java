package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Signal;
import dev.tapio.exporterhelper.QueueSettings;
import dev.tapio.exporterhelper.StorageExtension;
import dev.tapio.pdata.LogRecord;
import dev.tapio.plugin.otlp.OtlpHttpExporterConfig.Compression;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporters' {@code sending_queue}: in memory, and on disk through a storage extension. */
class SendingQueueTest {

  /** A {@code file_storage} stand-in: one directory per owner and signal under {@code root}. */
  private record Storage(Path root) implements Component, StorageExtension {
    @Override
    public Path directoryFor(ComponentId owner, String signal) throws IOException {
      return Files.createDirectories(root.resolve(owner.toString().replace('/', '_') + "-"
          + signal));
    }

    @Override
    public boolean fsync() {
      return false;
    }
  }

  private static int deadPort() throws IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aFailedSendIsCountedByTheQueueAndNotThrownToTheCaller() throws Exception {
    var retry = new OtlpHttpExporterConfig.Retry(true, Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(200), 2);
    TestContext context = Exporters.context(Signal.LOGS);
    var exporter = Exporters.start(Exporters.config("http://127.0.0.1:" + deadPort(),
        Compression.GZIP, retry), Signal.LOGS, context);
    try {
      exporter.consumeLogs(Samples.logs(0, 7)); // the queue took it: no exception here
    } finally {
      exporter.shutdown();
    }
    assertEquals(7, context.droppedCount("export_failed"));
  }

  @Test
  void batchesLeftOnDiskAtShutdownAreSentByTheNextStart(@TempDir Path dir) throws Exception {
    ComponentId storageId = ComponentId.parse("file_storage");
    TestHost host = new TestHost(Map.of(storageId, new Storage(dir)));
    var queue = new QueueSettings(true, 100, 2, false, storageId);
    var forever = new OtlpHttpExporterConfig.Retry(true, Duration.ofMillis(10),
        Duration.ofMillis(50), Duration.ZERO, 2);
    var down = new OtlpHttpExporterConfig("http://127.0.0.1:" + deadPort(), "", "", "",
        Map.of(), Compression.GZIP, Duration.ofMillis(500), forever, queue);
    TestContext first = Exporters.context(Signal.LOGS);
    var exporter = (OtlpHttpExporter) new OtlpHttpExporterFactory().createLogs(first, down);
    exporter.start(host);
    try {
      exporter.consumeLogs(Samples.logs(0, 10));
      exporter.consumeLogs(Samples.logs(10, 10));
    } finally {
      exporter.shutdown(); // gives up after timeout + 5 s; the batches stay on disk
    }
    assertEquals(0, first.droppedByReason().size(), first.droppedByReason().toString());

    ConsumerSink sink = new ConsumerSink();
    try (Receiver receiver = new Receiver(sink, sink, sink)) {
      var up = new OtlpHttpExporterConfig(receiver.baseUrl(), "", "", "", Map.of(),
          Compression.GZIP, Duration.ofSeconds(5), forever, queue);
      var again = (OtlpHttpExporter) new OtlpHttpExporterFactory().createLogs(
          Exporters.context(Signal.LOGS), up);
      again.start(host);
      try {
        sink.awaitItems(20, Duration.ofSeconds(30));
      } finally {
        again.shutdown();
      }
    }
    Set<Long> seqs = new HashSet<>();
    for (LogRecord r : sink.logRecords()) {
      seqs.add(r.attributes().getLong("seq", -1));
    }
    assertEquals(20, seqs.size(), seqs.toString());
    assertTrue(seqs.contains(0L) && seqs.contains(19L), seqs.toString());
  }
}
