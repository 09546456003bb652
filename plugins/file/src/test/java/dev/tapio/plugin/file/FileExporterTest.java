package dev.tapio.plugin.file;

import dev.tapio.otlp.OtlpJson;
import dev.tapio.otlp.Samples;
import dev.tapio.otlp.ToProto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExporterTest {
  @TempDir
  Path dir;

  private long clock = 1_763_764_318_000L;

  private static FileExporterConfig config(Path path, Duration flushInterval) {
    return new FileExporterConfig(path.toString(), new FileExporterConfig.Rotation(100, 100),
        flushInterval, "json");
  }

  private static FileExporter exporter(FileExporterConfig config, Signal signal)
      throws IOException {
    FileExporter e = new FileExporter(new TestContext("file", Kind.EXPORTER, signal), config);
    e.start(new TestHost());
    return e;
  }

  /** Reads a file as strict UTF-8 (malformed bytes fail the test) and splits it into lines. */
  private static List<String> lines(Path file) throws IOException {
    String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    if (text.isEmpty()) {
      return List.of();
    }
    assertTrue(text.endsWith("\n"), "every line is complete");
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted(Comparator.naturalOrder()).toList();
    }
  }

  @Test
  void writesOneParsableLinePerBatchForEachSignal() throws Exception {
    Path path = dir.resolve("nested/deeper/out.json");
    FileExporterConfig config = config(path, Duration.ofSeconds(1));
    FileExporter logs = exporter(config, Signal.LOGS);
    FileExporter metrics = exporter(config, Signal.METRICS);
    FileExporter traces = exporter(config, Signal.TRACES);

    logs.consumeLogs(Samples.logs());
    metrics.consumeMetrics(Samples.metrics());
    traces.consumeTraces(Samples.traces());
    logs.consumeLogs(LogsBuilder.logs("x", 3));
    logs.shutdown();
    metrics.shutdown();
    traces.shutdown();

    List<String> lines = lines(path);
    assertEquals(4, lines.size(), "one line per batch, all signals in the one shared file");
    assertEquals(ToProto.logs(Samples.logs()), OtlpJson.logs(lines.get(0)));
    assertEquals(ToProto.metrics(Samples.metrics()), OtlpJson.metrics(lines.get(1)));
    assertEquals(ToProto.traces(Samples.traces()), OtlpJson.traces(lines.get(2)));
    assertEquals(3, OtlpJson.logs(lines.get(3)).getResourceLogs(0).getScopeLogs(0)
        .getLogRecordsCount());
  }

  @Test
  void shutdownFlushesWhatTheBufferHolds() throws Exception {
    Path path = dir.resolve("out.json");
    FileExporter exporter = exporter(config(path, Duration.ofHours(1)), Signal.LOGS);
    exporter.consumeLogs(LogsBuilder.logs("x", 5));
    assertEquals(0, Files.size(path), "buffered until a flush");
    exporter.shutdown();
    assertEquals(1, lines(path).size());
  }

  @Test
  void theTimerFlushesWithoutShutdown() throws Exception {
    Path path = dir.resolve("out.json");
    FileExporter exporter = exporter(config(path, Duration.ofMillis(10)), Signal.LOGS);
    exporter.consumeLogs(LogsBuilder.logs("x", 5));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Files.size(path) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, lines(path).size());
    exporter.shutdown();
  }

  @Test
  void appendsToAnExistingFileAndIsolatesATruncatedLine() throws Exception {
    Path path = dir.resolve("out.json");
    Files.writeString(path, "{\"resourceLogs\":[]}\n{\"cut short");
    FileExporter exporter = exporter(config(path, Duration.ZERO), Signal.LOGS);
    exporter.consumeLogs(LogsBuilder.logs("x", 1));
    exporter.shutdown();
    List<String> lines = lines(path);
    assertEquals(3, lines.size());
    assertEquals("{\"cut short", lines.get(1));
    OtlpJson.logs(lines.get(2));
  }

  @Test
  void rotationKeepsEveryLineWhenBackupsAreUnlimited() throws Exception {
    Path path = dir.resolve("out.json");
    long maxBytes = 4096;
    int batches = 300;
    try (RotatingFileWriter writer =
        new RotatingFileWriter(path, maxBytes, 0, Duration.ofSeconds(1), () -> clock)) {
      writer.open();
      for (int i = 0; i < batches; i++) {
        writer.writeLogs(LogsBuilder.logs("batch" + i, 2));
      }
    }
    List<Path> files = files();
    assertTrue(files.size() > 5, "rotated: " + files);
    long total = 0;
    for (Path f : files) {
      assertTrue(Files.size(f) <= maxBytes, f + " is " + Files.size(f) + " bytes");
      for (String line : lines(f)) {
        OtlpJson.logs(line);
        total++;
      }
    }
    assertEquals(batches, total);
    // Backups are named <name>-<UTC time>.json, unique even within one millisecond.
    assertTrue(files.get(0).getFileName().toString()
        .matches("out-2025-11-21T22-31-58\\.\\d{3}\\.json"), files.get(0).toString());
    assertEquals(path, files.getLast());
  }

  @Test
  void rotationKeepsOnlyTheNewestBackups() throws Exception {
    Path path = dir.resolve("out.json");
    int batches = 300;
    try (RotatingFileWriter writer =
        new RotatingFileWriter(path, 4096, 3, Duration.ofSeconds(1), () -> clock)) {
      writer.open();
      for (int i = 0; i < batches; i++) {
        writer.writeLogs(LogsBuilder.logs("b" + i, 2));
        clock += 1;
      }
      assertEquals(3, writer.backups().size());
    }
    List<Path> files = files();
    assertEquals(4, files.size(), "the current file and max_backups backups: " + files);
    // Backups and current file, oldest first, hold the last batches in order, without a gap.
    List<Integer> seen = new ArrayList<>();
    for (Path f : files) {
      for (String line : lines(f)) {
        String body = OtlpJson.logs(line).getResourceLogs(0).getScopeLogs(0).getLogRecords(0)
            .getBody().getStringValue();
        seen.add(Integer.parseInt(body.substring(1, body.indexOf('-'))));
      }
    }
    assertEquals(batches - 1, seen.getLast());
    for (int i = 1; i < seen.size(); i++) {
      assertEquals(seen.get(i - 1) + 1, seen.get(i));
    }
  }

  @Test
  void concurrentWritersProduceWholeLines() throws Exception {
    Path path = dir.resolve("out.json");
    FileExporter exporter = exporter(new FileExporterConfig(path.toString(),
        new FileExporterConfig.Rotation(0, 0), Duration.ofSeconds(1), "json"), Signal.LOGS);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 100; i++) {
          exporter.consumeLogs(LogsBuilder.logs("x", 10));
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    exporter.shutdown();
    List<String> lines = lines(path);
    assertEquals(400, lines.size());
    for (String line : lines) {
      assertEquals(10, OtlpJson.logs(line).getResourceLogs(0).getScopeLogs(0)
          .getLogRecordsCount());
    }
  }

  @Test
  void ioFailureIsRetryableAndNamesThePath() throws Exception {
    Path sub = dir.resolve("sub");
    Path path = sub.resolve("out.json");
    FileExporter exporter = exporter(new FileExporterConfig(path.toString(),
        new FileExporterConfig.Rotation(1, 0), Duration.ZERO, "json"), Signal.LOGS);
    exporter.consumeLogs(LogsBuilder.logs("x", 1));
    // Take the directory away and put a plain file in its place: the next rotation cannot work.
    Logs big = LogsBuilder.logs("y".repeat(1000), 1100);
    Files.delete(path);
    Files.delete(sub);
    Files.writeString(sub, "not a directory");

    ConsumerException e = assertThrows(ConsumerException.class, () -> exporter.consumeLogs(big));
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());

    // Once the directory is back, the same batch goes through.
    Files.delete(sub);
    exporter.consumeLogs(big);
    exporter.shutdown();
    assertEquals(1, lines(path).size());
  }

  @Test
  void startFailsWithThePathWhenTheFileCannotBeCreated() throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    Path path = dir.resolve("file/out.json");
    FileExporter exporter =
        new FileExporter(new TestContext("file", Kind.EXPORTER, Signal.LOGS),
            config(path, Duration.ofSeconds(1)));
    IOException e = assertThrows(IOException.class, () -> exporter.start(new TestHost()));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    exporter.shutdown();
  }

  @Test
  void oneFileCannotBeSharedWithDifferentRotation() throws Exception {
    Path path = dir.resolve("out.json");
    FileExporter first = exporter(config(path, Duration.ofSeconds(1)), Signal.LOGS);
    FileExporter second = new FileExporter(new TestContext("file/b", Kind.EXPORTER, Signal.LOGS),
        new FileExporterConfig(path.toString(), new FileExporterConfig.Rotation(5, 1),
            Duration.ofSeconds(1), "json"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> second.start(new TestHost()));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    first.shutdown();
    // Released by the last user: the path is free for other settings again.
    second.start(new TestHost());
    second.shutdown();
  }

  @Test
  void writesAfterShutdownAreRefusedAsRetryable() throws Exception {
    FileExporter exporter = exporter(config(dir.resolve("out.json"), Duration.ZERO), Signal.LOGS);
    exporter.shutdown();
    ConsumerException e = assertThrows(ConsumerException.class,
        () -> exporter.consumeLogs(LogsBuilder.logs("x", 1)));
    assertTrue(e.retryable());
    assertFalse(e.getMessage().isEmpty());
  }
}
