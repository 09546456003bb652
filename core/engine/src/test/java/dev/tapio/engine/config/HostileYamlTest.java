package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapio.component.ComponentId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile YAML (issue 10, case 6), beside {@link DeepYamlTest}'s nesting: alias bombs, oversized
 * text, characters YAML refuses, invalid UTF-8. Each is an error at a line and column, or loads
 * when it is valid and bounded, in bounded time: never a StackOverflowError, an
 * OutOfMemoryError or a message without a position. The timeout runs the test on its own
 * thread, so that a regression fails rather than hangs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileYamlTest {

  private static final String ALIASES = "aliases stand for more than 100000 values by this one:"
      + " each *alias repeats all its anchor holds, and aliases within anchored values "
      + "multiply; a Tapio configuration has a few hundred values";

  private static ConfigError only(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoaderTest.load(yaml));
    assertEquals(1, e.errors().size(), e.getMessage());
    return e.errors().getFirst();
  }

  private static String list(String item, int times) {
    return "[" + String.join(", ", Collections.nCopies(times, item)) + "]";
  }

  @Test
  void theBillionLaughsStopAtTheAliasThatPassesTheLimit() {
    StringBuilder yaml = new StringBuilder("a0: &a0 " + list("lol", 10) + "\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(' ')
          .append(list("*a" + (i - 1), 10)).append('\n');
    }
    // a1..a3 stand for 12,330 values; each *a3 for 11,111 more: the 8th passes 100,000.
    assertEquals("config.yaml:5:45: " + ALIASES, only(yaml.toString()).toString());
  }

  @Test
  void aDoublingChainOfFewAliasesIsStoppedToo() {
    // 48 aliases, under snakeyaml's own count of 50, stand for 2^26 values: this exhausted the
    // heap before the budget.
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
    for (int i = 1; i < 24; i++) {
      yaml.append("a").append(i).append(": &a").append(i)
          .append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    assertEquals("config.yaml:15:18: " + ALIASES, only(yaml.toString()).toString());
  }

  @Test
  void aMergeKeyBombIsStoppedLikeAnyAlias() {
    StringBuilder yaml = new StringBuilder("a0: &a0 {x: 1}\n");
    for (int i = 1; i < 24; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" {<<: [*a").append(i - 1)
          .append(", *a").append(i - 1).append("], k").append(i).append(": 1}\n");
    }
    assertEquals("config.yaml:14:23: " + ALIASES, only(yaml.toString()).toString());
  }

  @Test
  void aHundredAliasesOfASharedBlockLoad() throws Exception {
    // snakeyaml refuses more than 50 aliases to maps by default; Go's yaml.v3 (the Collector)
    // does not count them, and neither does the budget.
    StringBuilder yaml = new StringBuilder("""
        receivers: {otlp: {protocols: {grpc: }}}
        exporters:
          debug/0: &shared {verbosity: detailed, sampling_initial: 5}
        """);
    StringBuilder names = new StringBuilder("debug/0");
    for (int i = 1; i < 100; i++) {
      yaml.append("  debug/").append(i).append(": {<<: *shared}\n");
      names.append(", debug/").append(i);
    }
    yaml.append("service: {pipelines: {logs: {receivers: [otlp], exporters: [")
        .append(names).append("]}}}\n");
    LoadedConfig config = ConfigLoaderTest.load(yaml.toString());
    assertEquals(100, config.exporters().size());
    assertEquals(config.exporters().get(ComponentId.parse("debug/0")).config(),
        config.exporters().get(ComponentId.parse("debug/99")).config());
  }

  @Test
  void hugeScalarsWithinTheLimitAreValidAndParse() {
    Problems problems = new Problems();
    String value = "a".repeat(700_000);
    ConfigNode.MapNode root = YamlParser.parse(
        new ConfigSource("config.yaml", "x: \"" + value + "\"\ny: " + value + "\n"), problems);
    assertEquals(List.of(), problems.errors());
    assertNotNull(root);
    assertEquals(value, ((ConfigNode.Scalar) root.entry("y").value()).value());
  }

  @Test
  void aTenMegabyteLineIsAnErrorWhereItPassesTheLimit() {
    assertEquals("config.yaml:1:3145729: the configuration goes on past 3145728 characters "
        + "here; a Tapio configuration is a few kilobytes",
        only("receivers: " + "a".repeat(10_000_000) + "\n").toString());
  }

  @Test
  void theLimitNeverSplitsACharacterIntoAnUnpairedHalf() {
    String yaml = "a: " + "b".repeat(YamlParser.MAX_CHARS - 4) + "\uD83D\uDE00\n";
    assertTrue(only(yaml).message().startsWith("the configuration goes on past"));
  }

  @Test
  void aMillionTopLevelKeysAreAnErrorWhereTheTextPassesTheLimit() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 1_000_000; i++) {
      yaml.append('k').append(i).append(": 1\n");
    }
    String within = yaml.substring(0, YamlParser.MAX_CHARS);
    int line = (int) within.chars().filter(c -> c == '\n').count() + 1;
    int column = within.length() - within.lastIndexOf('\n');
    assertEquals(new Location("config.yaml", line, column), only(yaml.toString()).location());
  }

  @Test
  void aKeyOfAMillionCharactersIsAnErrorAtItsEnd() {
    // YAML caps a plain key at 1024 characters, so it does not read as a key at all.
    assertEquals("config.yaml:1:1000001: invalid YAML: mapping values are not allowed here",
        only("k".repeat(1_000_000) + ": 1\n").toString());
  }

  @Test
  void anExplicitKeyOfAMillionCharactersIsUnknownInAMessageOfBoundedLength() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoaderTest.load("? " + "k".repeat(1_000_000) + "\n: 1\n"));
    ConfigError unknown = e.errors().stream()
        .filter(x -> x.message().startsWith("unknown top-level key")).findFirst().orElseThrow();
    assertEquals(new Location("config.yaml", 1, 3), unknown.location());
    assertTrue(unknown.message().length() <= ConfigError.MAX_MESSAGE_CHARS + 100,
        "message of " + unknown.message().length() + " characters");
    assertTrue(unknown.message().contains(" characters left out)..."), unknown.message());
    assertTrue(unknown.message().endsWith("valid keys: connectors, exporters, extensions, "
        + "processors, receivers, service"), unknown.message());
  }

  @Test
  void aSecondDocumentIsAnErrorWhereItStarts() {
    assertEquals("config.yaml:3:1: invalid YAML: but found another document (expected a "
        + "single document in the stream at config.yaml:1:1)",
        only("receivers: {}\nexporters: {}\n---\nservice: {}\n".repeat(1_000)).toString());
  }

  @Test
  void aTabIndentIsAnErrorWhereItIs() {
    assertTrue(only("receivers:\n\totlp: {}\n").toString()
        .startsWith("config.yaml:2:1: invalid YAML: found character '\\t(TAB)'"));
  }

  @Test
  void aNulByteIsAnErrorWhereItIs() {
    assertEquals("config.yaml:2:7: character U+0000 (NULL) is not allowed in YAML (only tab, "
        + "line breaks and printable Unicode are); is this a text file?",
        only("receivers:\n  otlp\0: {}\n").toString());
  }

  @Test
  void controlCharactersAndUnpairedSurrogatesAreErrorsWhereTheyAre() {
    assertTrue(only("a: \"x\u0007\"\n").toString().startsWith("config.yaml:1:6: character "
        + "U+0007 (BEL) is not allowed in YAML"));
    assertTrue(only("a: b\r\nc: \uD800\n").toString().startsWith("config.yaml:2:4: character "
        + "U+D800"));
  }

  @Test
  void anEmptyOrBlankSourceIsAnEmptyConfiguration() {
    String missing = "config.yaml:1:1: missing 'service' section";
    assertTrue(only("").toString().startsWith(missing));
    assertTrue(only("\n  \n# nothing here\n").toString().startsWith(missing));
    assertTrue(only("\uFEFF").toString().startsWith(missing));
  }

  @Test
  void aliasesToNothingOrToThemselvesAreErrorsWhereTheyAre() {
    assertEquals("config.yaml:1:4: invalid YAML: found undefined alias nope",
        only("a: *nope\n").toString());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoaderTest.load("a: &a [*a]\n"));
    assertTrue(e.errors().stream().anyMatch(x -> x.toString().equals("config.yaml:1:4: "
        + "recursive alias: a value refers to itself through an anchor")), e.getMessage());
  }

  @Test
  void aFileThatIsNotUtf8IsAnErrorWhereItStopsBeingUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("receivers:\n  otlp: {x: \"caf\u00e9 ".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xE9); // é in Latin-1
    bytes.writeBytes("\"}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, bytes.toByteArray());
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.file(file));
    assertEquals(file + ":2:19: cannot read config file: it is not valid UTF-8 from here (byte "
        + "0xE9 at offset 30)", e.errors().getFirst().toString());
  }

  @Test
  void aFileLargerThanAnyConfigurationIsRefusedWithoutReadingItWhole(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("big.yaml");
    Files.write(file, new byte[ConfigSource.MAX_FILE_BYTES + 1]);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.file(file));
    assertEquals(file + ": config file is larger than 9 MiB; a Tapio configuration is a few "
        + "kilobytes", e.getMessage());
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.isReadable(zero));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigSource.file(zero)).getMessage()
        .endsWith("config file is larger than 9 MiB; a Tapio configuration is a few kilobytes"));
  }
}
