package dev.tapio.engine.plugin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Says why PF4J skipped a jar, from what the jar itself shows. */
final class JarCheck {
  private JarCheck() {}

  static String explain(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      if (manifest == null) {
        return "it has no META-INF/MANIFEST.MF; a plugin jar needs Plugin-Id and Plugin-Version";
      }
      Attributes a = manifest.getMainAttributes();
      if (a.getValue("Plugin-Id") == null || a.getValue("Plugin-Id").isBlank()) {
        return "its manifest has no Plugin-Id";
      }
      if (a.getValue("Plugin-Version") == null || a.getValue("Plugin-Version").isBlank()) {
        return "its manifest has no Plugin-Version";
      }
      if (file.getEntry("META-INF/extensions.idx") == null) {
        return "it has no META-INF/extensions.idx: compile it with PF4J's annotation processor"
            + " and annotate the factories with @Extension";
      }
      return "PF4J rejected it (duplicate Plugin-Id, or a dependency is missing); see the log"
          + " above";
    } catch (IOException e) {
      return "it is not a readable jar (" + e.getMessage() + ")";
    }
  }
}
