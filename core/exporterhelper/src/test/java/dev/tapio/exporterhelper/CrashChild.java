package dev.tapio.exporterhelper;

import dev.tapio.pdata.Logs;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link KillNineTest}: enqueues batches into a persistent queue whose
 * backend is down, printing {@code accepted <n>} after each offer returns, until killed.
 */
final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    var queue = new SendingQueue<Logs>(Fixtures.context(), PersistentQueueTest.PERSISTENT,
        Fixtures.down());
    queue.start(Fixtures.host(root));
    System.out.println("started");
    for (int i = 0; ; i++) {
      queue.offer(Fixtures.batch(i));
      System.out.println("accepted " + i);
      System.out.flush();
      if (i >= 1900) {
        Thread.sleep(1000); // stay below queue_size; wait to be killed
        i--;
      }
    }
  }
}
