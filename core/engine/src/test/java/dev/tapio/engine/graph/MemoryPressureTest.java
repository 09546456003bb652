package dev.tapio.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Queued data is bounded in bytes, not only in batches, and pressure reaches the receiver's
 * caller — who still has the data — instead of the heap: exact counts, a stalled exporter.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryPressureTest extends GraphFixture {
  private static final PipelineId LOGS = PipelineId.parse("logs");

  /** A batch of {@code items} records whose producer says it holds {@code bytes}. */
  private static Logs batch(String prefix, int items, long bytes) {
    Logs logs = LogsBuilder.logs(prefix, items);
    logs.setEstimatedBytes(bytes);
    return logs;
  }

  @Test
  void aStalledExporterFillsTheByteBudgetThenTheCallerIsRefusedAndLosesNothing()
      throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          memory_budget: 1MiB
          pipelines:
            logs:
              receivers: [push]
              exporters: [sink]
              queue: {size: 4096, block_timeout: 1s}
        """);
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", gate);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    // 300 KiB each: the 4,096-batch queue would take them all; the 1 MiB budget holds three in
    // the queue behind the one inside the stalled exporter (in flight, no longer queued), and
    // the fifth and sixth are refused.
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      try {
        push.consumeLogs(batch("b" + i, 10, 300 << 10));
        accepted++;
      } catch (ConsumerException e) {
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
        refused++;
      }
    }
    assertEquals(4, accepted);
    assertEquals(2, refused);
    gate.countDown();
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    await(() -> sink.itemCount() >= 40, "40 records at the sink");
    assertEquals(40, sink.itemCount(), "every accepted record, once");
    // With the exporter moving again, the budget is free again.
    push.consumeLogs(batch("later", 10, 300 << 10));
    assertEquals(50, graph.acceptedFromReceiver(ComponentId.parse("push")));
  }

  @Test
  void withOverflowDropTheBatchThatDoesNotFitIsCountedAsMemoryBudget() throws Exception {
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          memory_budget: 1MiB
          pipelines:
            logs: {receivers: [push], exporters: [sink], queue: {overflow: drop}}
        """);
    TestComponents.GATES.put("sink", new CountDownLatch(1));
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    push.consumeLogs(batch("b0", 7, 400 << 10));
    await(() -> graph.processedByPipeline().get(LOGS) == 7, "the first batch in the exporter");
    for (int i = 1; i < 5; i++) {
      push.consumeLogs(batch("b" + i, 7, 400 << 10));
    }
    // Two fit behind the stalled one (800 KiB of 1 MiB); the last two do not.
    assertEquals(14, graph.droppedByPipeline(LOGS, "memory_budget"), "2 of 5 batches");
    assertEquals(35, graph.acceptedFromReceiver(ComponentId.parse("push")));
  }

  @Test
  void anAdmissionRefusalReachesTheCallerBeforeAnythingIsQueued() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {fault: {}}
        exporters: {sink: {}}
        service:
          pipelines: {logs: {receivers: [push], processors: [fault], exporters: [sink]}}
        """);
    TestComponents.REFUSE_ADMISSION = true;
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    ConsumerException e = assertThrows(ConsumerException.class,
        () -> push.consumeLogs(LogsBuilder.logs("x", 4)));
    assertTrue(e.retryable());
    assertEquals(0, graph.acceptedFromReceiver(ComponentId.parse("push")));
    TestComponents.REFUSE_ADMISSION = false;
    push.consumeLogs(LogsBuilder.logs("y", 4));
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    await(() -> sink.itemCount() >= 4, "4 records at the sink");
    assertEquals(4, sink.itemCount());
  }

  @Test
  void estimatesFollowTheItemsThroughMovesAndSplits() {
    Logs a = batch("a", 10, 10_000);
    Logs b = LogsBuilder.logs("b", 4); // no producer estimate: 512 bytes per record
    assertEquals(4 * TelemetryData.DEFAULT_ITEM_BYTES, b.estimatedBytes());
    a.moveTo(b);
    assertEquals(10_000 + 4 * TelemetryData.DEFAULT_ITEM_BYTES, b.estimatedBytes());
    assertEquals(0, a.estimatedBytes(), "an emptied tree holds nothing");
    Logs first = new Logs();
    b.moveFirstItemsTo(7, first);
    assertEquals(b.estimatedBytes() + first.estimatedBytes(),
        10_000 + 4 * TelemetryData.DEFAULT_ITEM_BYTES, "a split divides the estimate");
    assertEquals(b.estimatedBytes(), b.copy().estimatedBytes());
  }
}
