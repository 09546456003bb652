package dev.tapio.engine.graph;

import dev.tapio.engine.config.ConfigLoader;
import dev.tapio.engine.config.ConfigSource;
import dev.tapio.engine.config.LoadedConfig;
import dev.tapio.engine.telemetry.Health;
import dev.tapio.engine.telemetry.SelfTelemetry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A graph of {@link TestComponents} started from YAML, with its health and self-telemetry (no
 * HTTP port), stopped after each test. Test classes extend it.
 */
abstract class GraphFixture {
  Health health;
  SelfTelemetry telemetry;
  ServiceGraph graph;

  @BeforeEach
  void startTelemetry() {
    TestComponents.reset();
    health = new Health();
    telemetry = SelfTelemetry.start(health, "localhost", -1);
  }

  @AfterEach
  void stopGraph() {
    TestComponents.GATES.values().forEach(CountDownLatch::countDown);
    if (graph != null) {
      graph.shutdown();
    }
    telemetry.close();
  }

  ServiceGraph start(String yaml) throws Exception {
    LoadedConfig config = new ConfigLoader(TestComponents.catalog(), k -> null)
        .load(List.of(new ConfigSource("test.yaml", yaml)));
    graph = ServiceGraph.build(config, telemetry);
    graph.start();
    return graph;
  }

  /** Waits up to 30 s for {@code condition}; fails naming {@code what}. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
