package dev.tapio.plugin.resourcedetection;

import static dev.tapio.plugin.resourcedetection.Fixture.context;
import static dev.tapio.plugin.resourcedetection.Fixture.factory;
import static dev.tapio.plugin.resourcedetection.Fixture.fakeRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.MetricsProcessor;
import dev.tapio.consumer.TracesProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.ResourceEntry;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ResourceMetrics;
import dev.tapio.pdata.ResourceSpans;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceDetectionProcessorTest {
  private static final Map<String, String> ENV = Map.of(
      "OTEL_RESOURCE_ATTRIBUTES", "host.name=from-env,team=checkout",
      "K8S_NODE_NAME", "worker-3");
  private final ConsumerSink sink = new ConsumerSink();

  private LogsProcessor logs(ResourceDetectionFactory f, String yaml) throws Exception {
    return f.createLogs(context(Signal.LOGS), ComponentConfigs.read(f, yaml), sink);
  }

  /** Two resources: one with its own host.name and schema URL, one empty. */
  private static Logs twoResources() {
    Logs logs = new Logs();
    ResourceLogs own = logs.resourceLogs().appendEmpty();
    own.resource().attributes().putString("host.name", "app-host").putString("service.name",
        "cart");
    own.setSchemaUrl("https://opentelemetry.io/schemas/1.26.0");
    own.scopeLogs().appendEmpty().logRecords().appendEmpty().setBody("a");
    logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty().logRecords().appendEmpty()
        .setBody("b");
    return logs;
  }

  private Attributes resource(int i) {
    return sink.logs().getFirst().resourceLogs().get(i).resource().attributes();
  }

  @Test
  void overrideTrueReplacesTheResourcesOwnValues() throws Exception {
    LogsProcessor p = logs(factory(ENV), "detectors: [env, k8snode]");
    p.start(new TestHost());
    p.consumeLogs(twoResources());
    assertEquals("from-env", resource(0).getString("host.name"));
    assertEquals("cart", resource(0).getString("service.name"), "other keys are kept");
    assertEquals("checkout", resource(0).getString("team"));
    assertEquals("worker-3", resource(0).getString("k8s.node.name"));
    assertEquals("from-env", resource(1).getString("host.name"));
    assertEquals(3, resource(1).size());
    p.shutdown();
  }

  @Test
  void overrideFalseKeepsTheResourcesOwnValues() throws Exception {
    LogsProcessor p = logs(factory(ENV), "detectors: [env, k8snode]\noverride: false\n");
    p.start(new TestHost());
    p.consumeLogs(twoResources());
    assertEquals("app-host", resource(0).getString("host.name"));
    assertEquals("checkout", resource(0).getString("team"), "absent keys are added");
    assertEquals("worker-3", resource(0).getString("k8s.node.name"));
    assertEquals("from-env", resource(1).getString("host.name"));
    p.shutdown();
  }

  @Test
  void resourcesWithoutASchemaUrlGetTheDetectorsOne() throws Exception {
    LogsProcessor p = logs(factory(ENV), "detectors: [env, k8snode]");
    p.start(new TestHost());
    p.consumeLogs(twoResources());
    var groups = sink.logs().getFirst().resourceLogs();
    assertEquals("https://opentelemetry.io/schemas/1.26.0", groups.get(0).schemaUrl());
    assertEquals(SystemDetector.SCHEMA_URL, groups.get(1).schemaUrl());
    p.shutdown();

    // env declares no schema: none is set.
    sink.reset();
    LogsProcessor env = logs(factory(ENV), "detectors: [env]");
    env.start(new TestHost());
    env.consumeLogs(twoResources());
    assertEquals("", sink.logs().getFirst().resourceLogs().get(1).schemaUrl());
    env.shutdown();
  }

  @Test
  void theFirstDetectorListedWinsAKeyBothSet(@TempDir Path dir) throws Exception {
    Path root = fakeRoot(dir, "kernel-name");
    String system = "system: {hostname_sources: [os]}\n";
    var f = factory(ENV, root);
    assertEquals("from-env", Fixture.detectOnLogs(f, "detectors: [env, system]\n" + system)
        .getString("host.name"));
    assertEquals("kernel-name", Fixture.detectOnLogs(f, "detectors: [system, env]\n" + system)
        .getString("host.name"));
  }

  @Test
  void everySignalsResourcesGetTheAttributes() throws Exception {
    var f = factory(ENV);
    var config = ComponentConfigs.read(f, "detectors: [env, k8snode]");
    LogsProcessor lp = f.createLogs(context(Signal.LOGS), config, sink);
    MetricsProcessor mp = f.createMetrics(context(Signal.METRICS), config, sink);
    TracesProcessor tp = f.createTraces(context(Signal.TRACES), config, sink);
    for (var p : List.of(lp, mp, tp)) {
      p.start(new TestHost());
    }

    lp.consumeLogs(twoResources());
    Metrics metrics = new Metrics();
    for (int i = 0; i < 2; i++) {
      ResourceMetrics rm = metrics.resourceMetrics().appendEmpty();
      rm.scopeMetrics().appendEmpty().metrics().appendEmpty().setName("m" + i).setGauge()
          .appendEmpty().setDoubleValue(i);
    }
    mp.consumeMetrics(metrics);
    Traces traces = new Traces();
    for (int i = 0; i < 2; i++) {
      ResourceSpans rs = traces.resourceSpans().appendEmpty();
      rs.scopeSpans().appendEmpty().spans().appendEmpty().setName("s" + i);
    }
    tp.consumeTraces(traces);

    assertDetected(sink.logs().getFirst().resourceLogs());
    assertDetected(sink.metrics().getFirst().resourceMetrics());
    assertDetected(sink.traces().getFirst().resourceSpans());
    for (var p : List.of(lp, mp, tp)) {
      p.shutdown();
    }
  }

  private static void assertDetected(Iterable<? extends ResourceEntry<?>> resources) {
    int n = 0;
    for (ResourceEntry<?> r : resources) {
      assertEquals("checkout", r.resource().attributes().getString("team"));
      assertEquals("worker-3", r.resource().attributes().getString("k8s.node.name"));
      n++;
    }
    assertEquals(2, n);
  }

  @Test
  void mutatesAndCopiesReadOnlyInputFirst() throws Exception {
    LogsProcessor p = logs(factory(ENV), "detectors: [env]");
    assertTrue(p.capabilities().mutatesData());
    p.start(new TestHost());
    Logs shared = twoResources();
    shared.markReadOnly();
    p.consumeLogs(shared);
    assertNotSame(shared, sink.logs().getFirst());
    assertNull(shared.resourceLogs().get(1).resource().attributes().get("team"));
    assertEquals("checkout", resource(1).getString("team"));

    Logs own = twoResources();
    p.consumeLogs(own);
    assertSame(own, sink.logs().get(1), "writable input is changed in place");
    p.shutdown();
  }

  @Test
  void nothingDetectedPassesTheBatchOnUntouched() throws Exception {
    LogsProcessor p = logs(factory(Map.of()), "detectors: [env, k8snode]");
    p.start(new TestHost());
    Logs in = twoResources();
    in.markReadOnly();
    p.consumeLogs(in);
    assertSame(in, sink.logs().getFirst());
    p.shutdown();
  }

  @Test
  void pipelinesOfOneProcessorShareOneDetectionUntilTheLastShutsDown(@TempDir Path dir)
      throws Exception {
    // No machine id here: the warning counts detections.
    Path root = fakeRoot(dir, "h");
    var f = factory(Map.of(), root);
    var config = ComponentConfigs.read(f, """
        detectors: [system]
        system:
          hostname_sources: [os]
          resource_attributes: {host.id: {enabled: true}}
        """);
    try (Fixture.CapturedLog log = new Fixture.CapturedLog()) {
      LogsProcessor lp = f.createLogs(context(Signal.LOGS), config, sink);
      TracesProcessor tp = f.createTraces(context(Signal.TRACES), config, sink);
      lp.start(new TestHost());
      tp.start(new TestHost());
      assertEquals(1, log.messages(Level.WARNING, "machine id").size());
      assertEquals(1, log.messages(Level.INFO, "detected resource attributes").size());

      lp.shutdown();
      LogsProcessor again = f.createLogs(context(Signal.LOGS), config, sink);
      again.start(new TestHost());
      assertEquals(1, log.messages(Level.WARNING, "machine id").size(),
          "the traces processor still holds the detection");

      tp.shutdown();
      again.shutdown();
      LogsProcessor restarted = f.createLogs(context(Signal.LOGS), config, sink);
      restarted.start(new TestHost());
      assertEquals(2, log.messages(Level.WARNING, "machine id").size(),
          "an engine started again detects again");
      restarted.shutdown();
    }
  }

  @Test
  void shutdownWithoutStartIsSafe() throws Exception {
    LogsProcessor p = logs(factory(ENV), "detectors: [env]");
    p.shutdown();
    p.shutdown();
    assertFalse(sink.itemCount() > 0);
  }

  @Test
  void theResultIsLoggedOnceWithWhatWasDetected() throws Exception {
    try (Fixture.CapturedLog log = new Fixture.CapturedLog()) {
      Fixture.detectOnLogs(factory(ENV), "detectors: [env, k8snode]\noverride: false\n");
      assertEquals(List.of("detected resource attributes {host.name=from-env, team=checkout,"
          + " k8s.node.name=worker-3}, where a resource has none of its own"),
          log.messages(Level.INFO, "detected"));
    }
  }
}
