package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("300ms", Duration.ofMillis(300)),
        Arguments.of("1.5s", Duration.ofMillis(1500)),
        Arguments.of("1m30s", Duration.ofSeconds(90)),
        Arguments.of("2h", Duration.ofHours(2)),
        Arguments.of("10us", Duration.ofNanos(10_000)),
        Arguments.of("10µs", Duration.ofNanos(10_000)),
        Arguments.of("7ns", Duration.ofNanos(7)),
        Arguments.of("1h2m3s4ms", Duration.ofMillis(3_723_004)),
        Arguments.of(".5m", Duration.ofSeconds(30)),
        Arguments.of("-1.5s", Duration.ofMillis(-1500)),
        Arguments.of("+5s", Duration.ofSeconds(5)),
        Arguments.of(" 5s ", Duration.ofSeconds(5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesGoDurations(String text, Duration expected) {
    assertEquals(expected, Durations.parse(text));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "abc", "s", "5 s", "1..5s", "-", "1.2.3s", "ms5"})
  void rejectsMalformedWithTheHint(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().contains(Durations.HINT), e.getMessage());
  }

  @Test
  void bareNumberOtherThanZeroNeedsAUnit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
    assertEquals("missing unit; " + Durations.HINT, e.getMessage());
  }

  @Test
  void unknownUnitListsTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5d"));
    assertEquals("unknown unit 'd'; valid units: ns, us, ms, s, m, h", e.getMessage());
  }

  @Test
  void rejectsOverflow() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("3000000h"));
    assertTrue(e.getMessage().startsWith("too long"), e.getMessage());
  }
}
