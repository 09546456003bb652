package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ReceiverFactory;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The factory is found the way {@code tapio components} finds plugins' factories. */
class K8sEventsFactoryTest {
  @Test
  void theFactoryIsAnIndexedPf4jExtension() throws Exception {
    // PF4J reads META-INF/extensions.idx, which its annotation processor writes at compile time.
    boolean listed = false;
    for (URL idx : Collections.list(getClass().getClassLoader()
        .getResources("META-INF/extensions.idx"))) {
      try (InputStream in = idx.openStream()) {
        List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
            .toList();
        listed |= lines.contains(K8sEventsFactory.class.getName());
      }
    }
    assertTrue(listed, "K8sEventsFactory is not in any META-INF/extensions.idx");
    Object factory = K8sEventsFactory.class.getConstructor().newInstance();
    assertEquals("k8s_events", ((ReceiverFactory<?>) factory).type());
  }
}
