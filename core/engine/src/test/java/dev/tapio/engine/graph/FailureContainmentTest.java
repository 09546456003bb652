package dev.tapio.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.component.ComponentStatus;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.telemetry.Health;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a component throws or where it hangs never kills a pipeline thread, never goes uncounted,
 * and always shows on /readyz under the component's name; counts are exact: what receivers
 * handed in = what exporters got + what was counted as dropped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureContainmentTest extends GraphFixture {
  private static final PipelineId LOGS = PipelineId.parse("logs");

  private long dropped(String kind, String id, String reason) {
    return telemetry.counter("otelcol_" + kind + "_dropped_log_records", "",
        Attributes.builder().put(kind, id).put("reason", reason).build()).sum();
  }

  /** Throws {@code t} on the first {@code times} calls, then lets calls through. */
  private static void failFirst(String id, int times, java.util.function.Supplier<Throwable> t) {
    AtomicInteger left = new AtomicInteger(times);
    TestComponents.FAULTS.put(id, () -> left.getAndDecrement() > 0 ? t.get() : null);
  }

  @Test
  void aLinkageErrorInAProcessorIsCountedAgainstItAndThePipelineGoesOn() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {fault: {}}
        exporters: {sink: {}}
        service:
          pipelines: {logs: {receivers: [push], processors: [fault], exporters: [sink]}}
        """);
    failFirst("fault", 3, () -> new NoSuchMethodError("'void dev.tapio.pdata.Logs.compact()'"));
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    for (int i = 0; i < 3; i++) {
      push.consumeLogs(LogsBuilder.logs("bad" + i, 5));
    }
    await(() -> dropped("processor", "fault", "linkage_error") == 15, "15 counted");
    Health.Entry entry = health.snapshot().get("processor/fault");
    assertEquals(ComponentStatus.ERROR, entry.status(), entry.reason());
    assertTrue(entry.reason().contains("NoSuchMethodError") && entry.reason().contains("logs"),
        entry.reason());
    assertFalse(health.ready(), "a processor losing every batch is not ready");

    for (int i = 0; i < 7; i++) {
      push.consumeLogs(LogsBuilder.logs("good" + i, 5));
    }
    await(() -> sink.itemCount() == 35, "the thread survived and delivered the rest");
    assertEquals(50, graph.acceptedFromReceiver(ComponentId.parse("push")));
    assertEquals(50, sink.itemCount() + dropped("processor", "fault", "linkage_error"));
    assertEquals(ComponentStatus.OK, health.snapshot().get("processor/fault").status());
  }

  @Test
  void anOutOfMemoryErrorInOneExporterCostsOnlyItsCopy() throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink/a: {}, sink/b: {}}
        service:
          pipelines: {logs: {receivers: [push], exporters: [sink/a, sink/b]}}
        """);
    failFirst("sink/a", 2, () -> new OutOfMemoryError("Java heap space"));
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    for (int i = 0; i < 10; i++) {
      push.consumeLogs(LogsBuilder.logs("r" + i, 4));
    }
    ConsumerSink a = TestComponents.SINKS.get("sink/a");
    ConsumerSink b = TestComponents.SINKS.get("sink/b");
    await(() -> b.itemCount() == 40 && a.itemCount() == 32, "both exporters served");
    assertEquals(8, dropped("exporter", "sink/a", "out_of_memory"));
    assertEquals(0, dropped("exporter", "sink/b", "out_of_memory"));
    long sentA = telemetry.counter("otelcol_exporter_sent_log_records", "",
        Attributes.builder().put("exporter", "sink/a").build()).sum();
    long failedA = telemetry.counter("otelcol_exporter_send_failed_log_records", "",
        Attributes.builder().put("exporter", "sink/a").build()).sum();
    assertEquals(32, sentA);
    assertEquals(8, failedA);
  }

  @Test
  void aSynchronousPipelineRefusesWhatAProcessorFailedOnAndDropsNothing() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {fault: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs: {receivers: [push], processors: [fault], exporters: [sink], queue: {size: 0}}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    failFirst("fault", 1, () -> new IllegalStateException("bug in fault"));
    ConsumerException permanent = assertThrows(ConsumerException.class,
        () -> push.consumeLogs(LogsBuilder.logs("a", 3)));
    assertFalse(permanent.retryable());
    assertTrue(permanent.getMessage().contains("processor/fault"), permanent.getMessage());
    failFirst("fault", 1, () -> new OutOfMemoryError("Java heap space"));
    ConsumerException retryable = assertThrows(ConsumerException.class,
        () -> push.consumeLogs(LogsBuilder.logs("b", 3)));
    assertTrue(retryable.retryable(), "memory comes back: the client should retry");
    push.consumeLogs(LogsBuilder.logs("c", 3));
    assertEquals(3, TestComponents.SINKS.get("sink").itemCount());
    assertEquals(0, dropped("processor", "fault", "processor_error")
        + dropped("processor", "fault", "out_of_memory"), "refused, so not dropped");
  }

  @Test
  void aQueuedPipelineRetriesOnlyTheExporterThatRefused() throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink/a: {}, sink/b: {}}
        service:
          pipelines: {logs: {receivers: [push], exporters: [sink/a, sink/b]}}
        """);
    failFirst("sink/a", 20, () -> ConsumerException.retryable("sending queue is full"));
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    for (int i = 0; i < 5; i++) {
      push.consumeLogs(LogsBuilder.logs("r" + i, 2));
    }
    ConsumerSink a = TestComponents.SINKS.get("sink/a");
    ConsumerSink b = TestComponents.SINKS.get("sink/b");
    await(() -> a.itemCount() == 10, "the refusing exporter got every batch in the end");
    assertEquals(10, b.itemCount(), "the other exporter got each batch once");
    assertEquals(0, dropped("exporter", "sink/a", "export_failed"));
  }

  @Test
  void aStuckExporterIsNamedOnReadyzUntilItReturns() throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          stuck_timeout: 200ms
          pipelines: {logs: {receivers: [push], exporters: [sink]}}
        """);
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", gate);
    TestComponents.RECEIVERS.get("push").consumeLogs(LogsBuilder.logs("x", 1));
    await(() -> health.snapshot().get("exporter/sink").status() == ComponentStatus.DEGRADED,
        "the watchdog names the exporter");
    assertTrue(health.snapshot().get("exporter/sink").reason().contains("stuck"),
        health.snapshot().get("exporter/sink").reason());
    gate.countDown();
    await(() -> health.snapshot().get("exporter/sink").status() == ComponentStatus.OK,
        "back to ok once the call returned");
    assertEquals(1, TestComponents.SINKS.get("sink").itemCount());
  }

  @Test
  void everyBatchAcceptedWhileStoppingIsDeliveredOrCounted() throws Exception {
    // Producers racing a stop: a batch whose consume returned normally must reach the exporter
    // (or be counted); the race once let one into the queue after the pipeline thread had left.
    for (int round = 0; round < 30; round++) {
      TestComponents.reset();
      start("""
          receivers: {push: {}}
          exporters: {sink: {}}
          service:
            pipelines: {logs: {receivers: [push], exporters: [sink]}}
          """);
      LogsConsumer push = TestComponents.RECEIVERS.get("push");
      long countedBefore = graph.droppedByPipeline(LOGS, "shutdown_timeout"); // same telemetry
      java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
      List<Thread> producers = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        producers.add(Thread.ofPlatform().start(() -> {
          while (true) {
            try {
              push.consumeLogs(LogsBuilder.logs("p", 1));
              accepted.incrementAndGet();
            } catch (ConsumerException stopped) {
              return;
            }
          }
        }));
      }
      Thread.sleep(5);
      graph.shutdown();
      for (Thread t : producers) {
        t.join();
      }
      long delivered = TestComponents.SINKS.get("sink").itemCount();
      assertEquals(accepted.get(),
          delivered + graph.droppedByPipeline(LOGS, "shutdown_timeout") - countedBefore,
          "round " + round + ": accepted = delivered + counted");
      graph = null;
    }
  }

  @Test
  void aStopCountsEveryItemAStuckExporterStillHolds() throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          shutdown_timeout: 300ms
          pipelines: {logs: {receivers: [push], exporters: [sink]}}
        """);
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", new CountDownLatch(1) {
      @Override
      public void await() {
        while (gate.getCount() > 0) { // deaf to interrupts: stuck until the test ends
          try {
            gate.await();
          } catch (InterruptedException ignored) {
            // still stuck
          }
        }
      }
    });
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    for (int i = 0; i < 6; i++) {
      push.consumeLogs(LogsBuilder.logs("r" + i, 5));
    }
    graph.shutdown();
    assertEquals(30, graph.droppedByPipeline(LOGS, "shutdown_timeout"),
        "the stuck batch and the five queued behind it");
    assertEquals(0, TestComponents.SINKS.get("sink").itemCount());
    gate.countDown();
  }
}
