package dev.tapio.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The text of one configuration source and the name that error messages show for it. Several
 * sources are merged in order by {@link ConfigLoader#load(List)}. Immutable.
 */
public record ConfigSource(String name, String text) {

  public ConfigSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }

  /** Reads a UTF-8 file; the name is the path as given, so messages match the command line. */
  public static ConfigSource file(Path path) throws ConfigException {
    String name = path.toString();
    try {
      return new ConfigSource(name, Files.readString(path, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw unreadable(name, "config file not found");
    } catch (AccessDeniedException e) {
      throw unreadable(name, "cannot read config file: permission denied");
    } catch (CharacterCodingException e) {
      throw unreadable(name, "cannot read config file: it is not valid UTF-8");
    } catch (FileSystemException e) {
      // Its message repeats the path, which the location already shows.
      throw unreadable(name, "cannot read config file: " + e.getReason());
    } catch (IOException e) {
      throw unreadable(name, "cannot read config file: " + e.getMessage());
    }
  }

  /**
   * Reads a UTF-8 resource from the engine's class loader, e.g. the built-in default
   * configuration; the name shown in messages is {@code classpath:<name>}.
   */
  public static ConfigSource resource(String classpathName) throws ConfigException {
    String path = classpathName.startsWith("/") ? classpathName.substring(1) : classpathName;
    String name = "classpath:" + path;
    try (InputStream in = ConfigSource.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw unreadable(name, "config resource not found on the classpath");
      }
      return new ConfigSource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreadable(name, "cannot read config resource: " + e.getMessage());
    }
  }

  private static ConfigException unreadable(String name, String message) {
    return new ConfigException(List.of(new ConfigError(Location.of(name), message)));
  }
}
