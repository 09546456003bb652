package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir
  Path dir;

  @Test
  void whatIsPutIsWhatTheNextRunLoads() throws Exception {
    Checkpoints first = new Checkpoints(dir, true);
    first.load();
    assertNull(first.get(""));
    first.put("", "4711");
    first.put("shop", "12");
    first.put("shop", "15");

    Checkpoints next = new Checkpoints(dir, true);
    next.load();
    assertEquals("4711", next.get(""));
    assertEquals("15", next.get("shop"));
    assertNull(next.get("db"));
    assertEquals(List.of("* 4711", "shop 15"), Files.readAllLines(dir.resolve("resource-versions")));
    assertFalse(Files.exists(dir.resolve("resource-versions.tmp")), "renamed into place");
  }

  @Test
  void namespacesNoLongerWatchedAreForgotten() throws Exception {
    Checkpoints c = new Checkpoints(dir, false);
    c.put("shop", "1");
    c.put("db", "2");
    c.retainOnly(List.of("db"));
    c.put("db", "3");
    Checkpoints next = new Checkpoints(dir, false);
    next.load();
    assertNull(next.get("shop"));
    assertEquals("3", next.get("db"));
  }
}
