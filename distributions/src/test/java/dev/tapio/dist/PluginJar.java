package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a real PF4J plugin jar from Java sources, as a third party would, for tests. */
final class PluginJar {
  private PluginJar() {}

  /**
   * Compiles {@code sources} (path under the source root → text) against this test's class path
   * with PF4J's annotation processor, and packs into {@code work/plugins/<id>.jar} every class
   * except those under {@code leaveOut} (a package path such as {@code dev/tapio/}: stand-ins
   * compiled only to build against another API than the one that will run it).
   */
  static Path build(Path work, String id, Map<String, String> sources, String leaveOut)
      throws IOException {
    Path src = work.resolve("src-" + id);
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      files.add(f.toString());
    }
    Path classes = work.resolve("classes-" + id);
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp = System.getProperty("java.class.path");
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("--release", "25", "-proc:full", "-cp", cp,
        "-processorpath", cp, "-d", classes.toString()));
    args.addAll(files);
    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
    assertEquals(0, rc, "the plugin does not compile:\n" + diagnostics);
    assertTrue(Files.exists(classes.resolve("META-INF/extensions.idx")),
        "PF4J's annotation processor wrote no index");
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", id);
    a.putValue("Plugin-Version", "1.2.3");
    Path jar = work.resolve("plugins/" + id + ".jar");
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, manifest);
        Stream<Path> all = Files.walk(classes)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        String name = classes.relativize(f).toString().replace('\\', '/');
        if (leaveOut != null && name.startsWith(leaveOut)) {
          continue;
        }
        j.putNextEntry(new JarEntry(name));
        j.write(Files.readAllBytes(f));
        j.closeEntry();
      }
    }
    return jar;
  }
}
