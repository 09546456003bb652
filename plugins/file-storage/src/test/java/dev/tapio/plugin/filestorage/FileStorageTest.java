package dev.tapio.plugin.filestorage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Component;
import dev.tapio.component.ComponentId;
import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.exporterhelper.QueueSettings;
import dev.tapio.exporterhelper.SendingQueue;
import dev.tapio.exporterhelper.StorageExtension;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.LogsBuilder;
import dev.tapio.testkit.TestContext;
import dev.tapio.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest {
  private final FileStorageFactory factory = new FileStorageFactory();

  @TempDir
  Path root;

  @Test
  void readsEveryKeyAndRequiresADirectory() throws ConfigException {
    assertEquals("file_storage", factory.type());
    FileStorageConfig config = ComponentConfigs.read(factory, "directory: /var/lib/tapio\nfsync: false");
    assertEquals(new FileStorageConfig("/var/lib/tapio", false), config);
    assertTrue(ComponentConfigs.read(factory, "directory: x").fsync());
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory, ""));
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
  }

  @Test
  void compactionIsRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(factory,
        "directory: /var/lib/tapio\ncompaction:\n  on_start: true\n"));
    assertEquals("component.yaml:2:1: extension 'file_storage', key 'compaction': is not"
        + " supported yet: a queue deletes each segment file once all of it is sent, so there"
        + " is no database to compact", e.getMessage());
  }

  @Test
  void givesEachOwnerAndSignalItsOwnDirectory() throws Exception {
    Component storage = factory.create(context("file_storage", null),
        new FileStorageConfig(root.resolve("q").toString(), true));
    storage.start(new TestHost());
    StorageExtension s = (StorageExtension) storage;
    Path a = s.directoryFor(ComponentId.parse("otlphttp/a"), "logs");
    assertTrue(Files.isDirectory(a));
    assertEquals(a, s.directoryFor(ComponentId.parse("otlphttp/a"), "logs"));
    assertNotEquals(a, s.directoryFor(ComponentId.parse("otlphttp/a"), "traces"));
    assertNotEquals(a, s.directoryFor(ComponentId.parse("otlphttp/b"), "logs"));
    assertEquals(root.resolve("q"), a.getParent());
  }

  @Test
  void aQueueOnThisStorageKeepsBatchesAcrossARestart() throws Exception {
    ComponentId id = ComponentId.parse("file_storage/disk");
    Component storage = factory.create(context("file_storage/disk", null),
        new FileStorageConfig(root.toString(), true));
    storage.start(new TestHost());
    TestHost host = new TestHost(Map.of(id, storage));
    QueueSettings settings = new QueueSettings(true, 100, 2, false, id);

    TestContext first = context("otlphttp", Signal.LOGS);
    CountDownLatch never = new CountDownLatch(1);
    SendingQueue<Logs> down = new SendingQueue<>(first, settings, data -> never.await());
    down.start(host);
    for (int i = 0; i < 30; i++) {
      down.offer(LogsBuilder.logs("b" + i, 2));
    }
    down.shutdown(Duration.ofMillis(100));
    assertEquals(0, first.droppedCount("shutdown"), "a persistent queue keeps, not drops");

    AtomicInteger records = new AtomicInteger();
    SendingQueue<Logs> up = new SendingQueue<>(context("otlphttp", Signal.LOGS), settings,
        data -> records.addAndGet(data.itemCount()));
    up.start(host);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (records.get() < 60 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    up.shutdown(Duration.ofSeconds(30));
    assertEquals(60, records.get());
    assertFalse(Files.list(root).toList().isEmpty());
  }

  private static TestContext context(String id, Signal signal) {
    return new TestContext(id, signal == null ? Kind.EXTENSION : Kind.EXPORTER, signal);
  }
}
