package dev.tapio.exporterhelper;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Shared test helpers: a directory-backed storage extension and a recording sender. */
final class Fixtures {
  static final ComponentId STORAGE = ComponentId.parse("file_storage");

  private Fixtures() {}

  record DirStorage(Path root) implements Component, StorageExtension {
    @Override
    public Path directoryFor(ComponentId owner, String signal) throws java.io.IOException {
      return Files.createDirectories(root.resolve(owner.type() + "_" + owner.name() + "_" + signal));
    }
  }

  static TestHost host(Path root) {
    return new TestHost(Map.of(STORAGE, new DirStorage(root)));
  }

  static TestContext context() {
    return new TestContext("otlphttp", Kind.EXPORTER, Signal.LOGS);
  }

  /** A batch of one record whose body names the batch: {@code b<n>-0}. */
  static Logs batch(int n) {
    return LogsBuilder.logs("b" + n, 1);
  }

  /** Counts every batch delivered, by its number. Thread-safe. */
  static final class Recorder implements Sender<Logs> {
    final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();

    @Override
    public void send(Logs data) {
      String body = data.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0).body()
          .asString();
      int n = Integer.parseInt(body.substring(body.indexOf('b') + 1, body.lastIndexOf('-')));
      seen.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
      total.incrementAndGet();
    }

    int duplicates() {
      int d = 0;
      for (AtomicInteger c : seen.values()) {
        d += c.get() - 1;
      }
      return d;
    }
  }

  /** A sender stuck in its retries for as long as the backend is down: never returns. */
  static <T extends dev.tapio.pdata.TelemetryData<?>> Sender<T> down() {
    return data -> new java.util.concurrent.CountDownLatch(1).await();
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
