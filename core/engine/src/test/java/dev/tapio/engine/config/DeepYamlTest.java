package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runaway nesting (issue 10, case 6) is a configuration error at a line and column, never a
 * StackOverflowError; real configurations are untouched by the scan that finds it.
 */
class DeepYamlTest {

  private static ConfigError only(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoaderTest.load(yaml));
    assertEquals(1, e.errors().size(), e.errors().toString());
    return e.errors().get(0);
  }

  @Test
  void tenThousandNestedFlowMappingsAreAnErrorWithALocation() {
    String yaml = "receivers: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000) + "\n";
    ConfigError e = only(yaml);
    assertTrue(e.toString().startsWith("config.yaml:1:"), e.toString());
    assertTrue(e.toString().contains("nesting deeper than 100 levels"), e.toString());
  }

  @Test
  void aHundredThousandDeepFlowSequenceIsAnError() {
    String yaml = "service:\n  pipelines: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
    assertTrue(only(yaml).toString().startsWith("config.yaml:2:"));
  }

  @Test
  void tenThousandBlockLevelsAreAnErrorAtTheLineWhereTheyGoTooDeep() {
    StringBuilder yaml = new StringBuilder("exporters:\n  otlphttp:\n    headers:\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append("  ".repeat(i + 3)).append("k").append(i).append(":\n");
    }
    ConfigError e = only(yaml.toString());
    assertTrue(e.toString().startsWith("config.yaml:102:"), e.toString());
  }

  @Test
  void nestedSequenceItemsCountAsLevels() {
    String yaml = "receivers:\n  x:\n    " + "- ".repeat(5_000) + "1\n";
    assertTrue(only(yaml).toString().startsWith("config.yaml:3:"));
  }

  @Test
  void realConfigurationsPassTheScan() throws Exception {
    // Quotes, comments and brackets inside strings do not count.
    assertEquals(null, DepthScan.firstTooDeep("""
        receivers: {otlp: {protocols: {http: {endpoint: "[[[[{{{{"}}}}}  # [[[[[[
        exporters:
          otlphttp:
            headers: {x: 'it''s [{'}
            list:
              - - - [a, [b, {c: d}]]
        """, 100));
    ConfigLoaderTest.load("""
        receivers:
          otlp:
            protocols:
              grpc:
        exporters:
          debug:
        service:
          pipelines:
            logs/app:
              receivers: [otlp]
              exporters: [debug]
        """);
  }
}
