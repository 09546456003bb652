package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("4096", 4096L),
        Arguments.of("10B", 10L),
        Arguments.of("1KB", 1_000L),
        Arguments.of("2MB", 2_000_000L),
        Arguments.of("3GB", 3_000_000_000L),
        Arguments.of("1KiB", 1024L),
        Arguments.of("512MiB", 512L << 20),
        Arguments.of("2GiB", 2L << 30),
        Arguments.of("512mib", 512L << 20),
        Arguments.of("1 kb", 1_000L),
        Arguments.of("1.5KiB", 1536L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesSizes(String text, long expected) {
    assertEquals(expected, Sizes.parse(text));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "MiB", "-1", "1.5.5MB", "ten"})
  void rejectsMalformed(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertTrue(e.getMessage().contains(Sizes.HINT), e.getMessage());
  }

  @Test
  void unknownUnitIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("512XB"));
    assertEquals("unknown unit 'XB'; " + Sizes.HINT, e.getMessage());
  }

  @Test
  void rejectsOverflow() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("99999999999GiB"));
    assertEquals("too large", e.getMessage());
  }
}
