package dev.tapio.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ComponentId;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.LogsBuilder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ServiceGraphTest extends GraphFixture {

  @Test
  void mutatingProcessorInOnePipelineNeverChangesWhatAnotherSees() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {tag: {}}
        exporters: {sink/a: {}, sink/b: {}, sink/shared: {}}
        service:
          pipelines:
            logs/a: {receivers: [push], processors: [tag], exporters: [sink/a, sink/shared]}
            logs/b: {receivers: [push], exporters: [sink/b, sink/shared]}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    for (int i = 0; i < 50; i++) {
      push.consumeLogs(LogsBuilder.logs("r" + i, 10));
    }
    ConsumerSink a = TestComponents.SINKS.get("sink/a");
    ConsumerSink b = TestComponents.SINKS.get("sink/b");
    ConsumerSink shared = TestComponents.SINKS.get("sink/shared");
    a.awaitItems(500, Duration.ofSeconds(10));
    b.awaitItems(500, Duration.ofSeconds(10));
    shared.awaitItems(1000, Duration.ofSeconds(10));
    for (LogRecord r : a.logRecords()) {
      assertEquals("tag", r.attributes().getString("tagged.by"));
    }
    for (LogRecord r : b.logRecords()) {
      assertNull(r.attributes().getString("tagged.by"), "pipeline b saw a's mutation");
    }
    long tagged = shared.logRecords().stream()
        .filter(r -> r.attributes().getString("tagged.by") != null).count();
    assertEquals(500, tagged, "the shared exporter gets a's tagged copy and b's untouched one");
    // The exporter shared by both pipelines is one instance.
    assertEquals(3, TestComponents.SINKS.size());
  }

  @Test
  void dropPolicyCountsEveryDroppedRecordAndCountersAddUp() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", gate);
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs:
              receivers: [push]
              exporters: [sink]
              queue: {size: 4, overflow: drop}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    int batches = 100;
    for (int i = 0; i < batches; i++) {
      push.consumeLogs(LogsBuilder.logs("r" + i, 3));
    }
    gate.countDown();
    PipelineId id = PipelineId.parse("logs");
    long dropped = graph.droppedByPipeline(id, "queue_full");
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    long expectedDelivered = batches * 3L - dropped;
    sink.awaitItems(expectedDelivered, Duration.ofSeconds(10));
    graph.shutdown();
    assertTrue(dropped > 0, "a 4-batch queue behind a stalled exporter must overflow");
    assertEquals(batches * 3L, sink.itemCount() + dropped, "delivered + dropped = received");
    assertEquals(sink.itemCount(), graph.processedByPipeline().get(id));
  }

  @Test
  void blockPolicyRefusesWithRetryableErrorAfterTimeout() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", gate);
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs:
              receivers: [push]
              exporters: [sink]
              queue: {size: 2, overflow: block, block_timeout: 50ms}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    ConsumerException refused = null;
    int accepted = 0;
    for (int i = 0; i < 10 && refused == null; i++) {
      try {
        push.consumeLogs(LogsBuilder.logs("r" + i, 1));
        accepted++;
      } catch (ConsumerException e) {
        refused = e;
      }
    }
    assertTrue(refused != null && refused.retryable(), "a full queue refuses, retryably");
    assertTrue(refused.getMessage().contains("queue is full"), refused.getMessage());
    gate.countDown();
    TestComponents.SINKS.get("sink").awaitItems(accepted, Duration.ofSeconds(10));
    assertEquals(0, graph.droppedByPipeline(PipelineId.parse("logs"), "queue_full"));
  }

  @Test
  void startsExportersFirstAndReceiversLastAndStopsInReverse() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {tag/1: {}, tag/2: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs: {receivers: [push], processors: [tag/1, tag/2], exporters: [sink]}
        """);
    graph.shutdown();
    assertEquals(List.of("start exporter sink", "start processor tag/2", "start processor tag/1",
        "start receiver push", "stop receiver push", "stop processor tag/1",
        "stop processor tag/2", "stop exporter sink"), TestComponents.EVENTS);
  }

  @Test
  void aComponentFailingToStartStopsTheStartedOnesAndSaysWhy() throws Exception {
    TestComponents.failStartOf = "processor tag";
    GraphException e = assertThrows(GraphException.class, () -> start("""
        receivers: {push: {}}
        processors: {tag: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs: {receivers: [push], processors: [tag], exporters: [sink]}
        """));
    graph = null;
    assertTrue(e.getMessage().contains("processor tag") && e.getMessage().contains("port 4317"),
        e.getMessage());
    assertEquals(List.of("start exporter sink", "stop processor tag", "stop exporter sink"),
        TestComponents.EVENTS);
    assertFalse(telemetry.health().ready());
  }

  @Test
  void shutdownDrainsEverythingQueued() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    TestComponents.GATES.put("sink", gate);
    start("""
        receivers: {push: {}}
        exporters: {sink: {}}
        service:
          shutdown_timeout: 30s
          pipelines:
            logs: {receivers: [push], exporters: [sink], queue: {size: 1024}}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    Set<String> sent = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Logs l = LogsBuilder.logs("b" + i, 5);
      push.consumeLogs(l);
      for (int j = 0; j < 5; j++) {
        sent.add("b" + i + "-" + j);
      }
    }
    new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException ignored) {
        // the gate opens either way
      }
      gate.countDown();
    }).start();
    graph.shutdown();
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    assertEquals(1000, sink.itemCount());
    Set<String> got = new HashSet<>();
    sink.logRecords().forEach(r -> got.add(r.bodyString()));
    assertEquals(sent, got, "every queued record is delivered exactly once");
  }

  @Test
  void aSynchronousPipelineHasDeliveredWhenTheReceiverCallReturns() throws Exception {
    start("""
        receivers: {push: {}}
        processors: {tag: {}}
        exporters: {sink: {}}
        service:
          pipelines:
            logs: {receivers: [push], processors: [tag], exporters: [sink], queue: {size: 0}}
        """);
    LogsConsumer push = TestComponents.RECEIVERS.get("push");
    ConsumerSink sink = TestComponents.SINKS.get("sink");
    for (int i = 1; i <= 20; i++) {
      push.consumeLogs(LogsBuilder.logs("s" + i, 5));
      assertEquals(i * 5L, sink.itemCount(), "delivered before the call returned");
    }
    // A retryable refusal (queue or disk full) reaches the caller, who keeps the data.
    sink.failWith(ConsumerException.retryable("backend down"));
    ConsumerException refused = assertThrows(ConsumerException.class,
        () -> push.consumeLogs(LogsBuilder.logs("x", 3)));
    assertTrue(refused.retryable());
    assertEquals(100, sink.itemCount());
    assertEquals(100, graph.acceptedFromReceiver(ComponentId.parse("push")));
    // A permanent failure ends at the exporter, counted as export_failed.
    sink.failWith(ConsumerException.permanent("bad data"));
    push.consumeLogs(LogsBuilder.logs("y", 4));
    assertEquals(100, sink.itemCount());
    assertEquals(104, graph.acceptedFromReceiver(ComponentId.parse("push")));
  }
}
