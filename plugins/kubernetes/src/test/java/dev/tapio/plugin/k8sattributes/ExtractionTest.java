package dev.tapio.plugin.k8sattributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tapio.plugin.k8sattributes.Extraction.ImageRef;
import org.junit.jupiter.api.Test;

class ExtractionTest {
  @Test
  void containerIdsLoseTheRuntimePrefix() {
    assertEquals("abc", Extraction.containerId("containerd://abc"));
    assertEquals("abc", Extraction.containerId("cri-o://abc"));
    assertEquals("abc", Extraction.containerId("docker://abc"));
    assertEquals("abc", Extraction.containerId("abc"));
    assertNull(Extraction.containerId(""));
    assertNull(Extraction.containerId("containerd://"));
  }

  @Test
  void imagesSplitIntoNameAndTag() {
    assertEquals(new ImageRef("nginx", "1.25"), ImageRef.parse("nginx:1.25"));
    assertEquals(new ImageRef("nginx", "latest"), ImageRef.parse("nginx"));
    assertEquals(new ImageRef("registry:5000/a/b", "v2"), ImageRef.parse("registry:5000/a/b:v2"));
    assertEquals(new ImageRef("registry:5000/a/b", "latest"),
        ImageRef.parse("registry:5000/a/b"));
    assertEquals(new ImageRef("a/b", null), ImageRef.parse("a/b@sha256:00ff"));
    assertEquals(new ImageRef("a/b", "1"), ImageRef.parse("a/b:1@sha256:00ff"));
  }
}
