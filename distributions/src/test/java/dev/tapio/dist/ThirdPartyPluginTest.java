package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.Tapio;
import dev.tapio.engine.config.ConfigException;
import dev.tapio.engine.config.PipelineId;
import dev.tapio.engine.plugin.PluginException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's plugin, written and compiled here against tapio-api alone, packed as a PF4J
 * jar, dropped in the plugins directory next to the built-ins, and used from YAML.
 */
class ThirdPartyPluginTest {
  private static final String SOURCE = """
      package com.example.upper;

      import dev.tapio.component.*;
      import dev.tapio.config.*;
      import dev.tapio.consumer.*;
      import dev.tapio.pdata.*;
      import java.util.Set;
      import org.pf4j.Extension;

      @Extension
      public final class UppercaseFactory implements ProcessorFactory<UppercaseFactory.Config> {
        public record Config(String suffix) implements ComponentConfig {}

        public String type() { return "uppercase"; }
        public Stability stability() { return Stability.ALPHA; }
        public Set<Signal> signals() { return Set.of(Signal.LOGS); }
        public Config createDefaultConfig() { return new Config(""); }
        public Config readConfig(ConfigReader r) { return new Config(r.string("suffix", "")); }

        public LogsProcessor createLogs(ComponentContext c, Config cfg, LogsConsumer next) {
          return new LogsProcessor() {
            public void consumeLogs(Logs logs) {
              for (ResourceLogs rl : logs.resourceLogs())
                for (ScopeLogs sl : rl.scopeLogs())
                  for (LogRecord r : sl.logRecords())
                    r.setBody(r.bodyString().toUpperCase() + cfg.suffix());
              next.consumeLogs(logs);
            }
            public Capabilities capabilities() { return Capabilities.MUTATES; }
          };
        }
      }
      """;

  static Path buildPluginJar(Path work) throws IOException {
    return PluginJar.build(work, "example-uppercase",
        Map.of("com/example/upper/UppercaseFactory.java", SOURCE), null);
  }

  static Path pluginsWithBuiltIns(Path work) throws IOException {
    Path dir = work.resolve("plugins");
    Files.createDirectories(dir);
    try (Stream<Path> builtIns = Files.list(Dist.plugins())) {
      for (Path p : builtIns.toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
      }
    }
    return dir;
  }

  @Test
  void aPluginBuiltAgainstTheApiAloneLoadsAndRuns(@TempDir Path work) throws Exception {
    buildPluginJar(work);
    Path plugins = pluginsWithBuiltIns(work);
    Path out = work.resolve("out");
    String yaml = """
        receivers: {synthetic: {count: 300, rate: 0, batch_size: 30}}
        processors: {uppercase: {suffix: "!"}}
        exporters: {file: {path: "%s"}}
        service:
          pipelines: {logs: {receivers: [synthetic], processors: [uppercase], exporters: [file]}}
        """.formatted(out.resolve("logs.json"));
    try (Tapio tapio = Tapio.builder().pluginsDir(plugins).metricsPort(-1)
        .config("third-party.yaml", yaml).start()) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      PipelineId logs = PipelineId.parse("logs");
      while (tapio.graph().processedByPipeline().get(logs) < 300
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(300, tapio.graph().processedByPipeline().get(logs));
    }
    String written = Files.readString(out.resolve("logs.json"));
    var bodies = java.util.regex.Pattern.compile("\"body\":\\{\"stringValue\":\"([^\"]*)\"")
        .matcher(written).results().map(m -> m.group(1)).toList();
    assertEquals(300, bodies.size(), "bodies written");
    for (String body : bodies) {
      assertTrue(body.endsWith("!") && body.equals(body.toUpperCase()),
          "not changed by the plugin: " + body);
    }
  }

  @Test
  void aBrokenJarIsReportedByNameAndReason(@TempDir Path work) throws Exception {
    Path plugins = work.resolve("plugins");
    Files.createDirectories(plugins);
    try (OutputStream out = Files.newOutputStream(plugins.resolve("broken.jar"));
        JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("readme.txt"));
      j.write("not a plugin".getBytes());
      j.closeEntry();
    }
    PluginException e = assertThrows(PluginException.class, () -> Tapio.builder()
        .pluginsDir(plugins).metricsPort(-1).config("x.yaml", "receivers: {}").start());
    assertTrue(e.getMessage().contains("broken.jar"), e.getMessage());
    assertTrue(e.getMessage().contains("Plugin-Id") || e.getMessage().contains("MANIFEST"),
        e.getMessage());
  }

  @Test
  void anUnknownTypeListsTheTypesThePluginsOffer(@TempDir Path work) throws Exception {
    buildPluginJar(work);
    Path plugins = work.resolve("plugins");
    ConfigException e = assertThrows(ConfigException.class, () -> Tapio.builder()
        .pluginsDir(plugins).metricsPort(-1).config("x.yaml", """
            receivers: {synthetic: {}}
            processors: {uppercas: {}}
            exporters: {debug: {}}
            service: {pipelines: {logs: {receivers: [synthetic], exporters: [debug]}}}
            """).start());
    String all = String.join("\n", e.errors().stream().map(Object::toString).toList());
    assertTrue(all.contains("x.yaml:2:") && all.contains("uppercase"), all);
  }

}
