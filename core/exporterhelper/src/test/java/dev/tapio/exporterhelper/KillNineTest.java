package dev.tapio.exporterhelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.exporterhelper.Fixtures.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kill -9 of a JVM writing to a persistent queue, then a restart in this JVM. */
class KillNineTest {

  @TempDir
  Path root;

  @Test
  void everyBatchAcceptedBeforeKillMinusNineArrivesAfterRestart() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // The child's stdout goes to a file: what it printed before the kill is there in full.
    Path output = root.resolve("child.out");
    Process child = new ProcessBuilder(java.toString(), "-cp",
        System.getProperty("java.class.path"), CrashChild.class.getName(),
        root.resolve("data").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(output.toFile())
        .start();
    Fixtures.await(() -> acceptedSoFar(output) >= 300 || !child.isAlive(), "300 batches");
    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, nothing flushed or closed
    child.waitFor();
    int lastAccepted = acceptedSoFar(output);
    List<String> lines = Files.readAllLines(output);
    assertTrue(lastAccepted >= 300, "child output: " + lines);
    System.out.println("kill -9 test: child accepted " + (lastAccepted + 1) + " batches");

    Recorder recorder = new Recorder();
    var restarted = new SendingQueue<>(Fixtures.context(), PersistentQueueTest.PERSISTENT,
        recorder);
    restarted.start(Fixtures.host(root.resolve("data")));
    int accepted = lastAccepted + 1;
    Fixtures.await(() -> recorder.seen.size() >= accepted, accepted + " batches");
    restarted.shutdown(Duration.ofSeconds(30));
    for (int i = 0; i < accepted; i++) {
      assertTrue(recorder.seen.containsKey(i), "batch " + i + " was accepted and lost");
    }
    // The child's sender never delivered, so nothing was sent twice; report it either way.
    System.out.println("kill -9 test: delivered " + recorder.seen.size() + " distinct, "
        + recorder.duplicates() + " duplicates");
    assertEquals(0, recorder.duplicates());
  }

  /** The last batch number the child reported accepted, or -1. */
  private static int acceptedSoFar(Path output) {
    int last = -1;
    try {
      for (String line : Files.readAllLines(output)) {
        if (line.startsWith("accepted ")) {
          last = Integer.parseInt(line.substring(9));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // A line being written; the next poll sees it whole.
    }
    return last;
  }
}
