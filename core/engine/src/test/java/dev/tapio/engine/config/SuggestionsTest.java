package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void transpositionCostsOneEdit() {
    assertEquals(1, Suggestions.distance("recievers", "receivers"));
    assertEquals(1, Suggestions.distance("otlpp", "otlp"));
    assertEquals(0, Suggestions.distance("batch", "batch"));
    assertEquals(3, Suggestions.distance("", "abc"));
  }

  @Test
  void suggestsTheClosestWithinReach() {
    List<String> keys = List.of("send_batch_size", "send_batch_max_size", "timeout");
    assertEquals("send_batch_size", Suggestions.closest("sendbatch_size", keys));
    assertEquals("timeout", Suggestions.closest("Timeout", keys));
    assertNull(Suggestions.closest("endpoint", keys));
  }

  @Test
  void shortNamesNeedACloseMatch() {
    assertEquals("tls", Suggestions.closest("tsl", List.of("tls", "auth")));
    assertNull(Suggestions.closest("xyz", List.of("tls")));
  }

  @Test
  void hintFormats() {
    assertEquals("; did you mean 'logs'? valid signals: logs, metrics",
        Suggestions.hint("log", List.of("logs", "metrics"), "valid signals"));
    assertEquals("; valid keys: none", Suggestions.hint("x", List.of(), "valid keys"));
  }
}
