package dev.tapio.plugin.resourcedetection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What the detectors read of the host: its environment variables and its files, the latter below
 * {@code root} so that a test can hand a directory of real files in place of {@code /}. Network
 * lookups and interfaces are not redirected. Thread-safe when {@code environment} is.
 *
 * @param environment a variable's value by name, or null when unset ({@code System::getenv})
 * @param root the directory that stands for {@code /}
 */
record HostView(Function<String, String> environment, Path root) {

  /** This process's environment and this host's files. */
  static final HostView SYSTEM = new HostView(System::getenv, Path.of("/"));

  /** The variable's value, or null when it is unset or blank. */
  String variable(String name) {
    String value = environment.apply(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** Where the absolute {@code path} is below {@link #root}. */
  Path file(String path) {
    return root.resolve(path.substring(1));
  }

  /**
   * The file's content without surrounding white space, or null when the file does not exist or
   * is empty. Other read errors (permissions) are thrown: they are worth a message.
   */
  String read(String path) throws IOException {
    try {
      String text = Files.readString(file(path), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? null : text;
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
