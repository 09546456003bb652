package dev.tapio.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in tests, with a deadline instead of a fixed sleep. */
public final class Await {
  private Await() {}

  /** Returns once {@code condition} holds; fails the test if it does not within 10 s. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    until(condition, Duration.ofSeconds(10));
  }

  /** Returns once {@code condition} holds; fails the test if it does not within {@code limit}. */
  public static void until(BooleanSupplier condition, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit.toSeconds() + "s");
      }
      Thread.sleep(10);
    }
  }
}
