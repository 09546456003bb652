package dev.tapio.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
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

  /**
   * The largest file read: three bytes per char, the most UTF-8 takes, for the longest text the
   * parser takes. A larger file could not load anyway; reading it whole could exhaust the heap.
   */
  static final int MAX_FILE_BYTES = 3 * YamlParser.MAX_CHARS;

  public ConfigSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }

  /**
   * Reads a UTF-8 file; the name is the path as given, so messages match the command line.
   * Reads at most {@link #MAX_FILE_BYTES} (a device or a pipe has no size to check first).
   */
  public static ConfigSource file(Path path) throws ConfigException {
    String name = path.toString();
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw unreadable(name, "config file not found");
    } catch (AccessDeniedException e) {
      throw unreadable(name, "cannot read config file: permission denied");
    } catch (FileSystemException e) {
      // Its message repeats the path, which the location already shows.
      throw unreadable(name, "cannot read config file: " + e.getReason());
    } catch (IOException e) {
      throw unreadable(name, "cannot read config file: " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw unreadable(name, "config file is larger than " + (MAX_FILE_BYTES >> 20)
          + " MiB; a Tapio configuration is a few kilobytes");
    }
    return new ConfigSource(name, utf8(name, bytes));
  }

  /** The text, or an error at the line and column where it stops being UTF-8. */
  private static String utf8(String name, byte[] bytes) throws ConfigException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never takes fewer bytes than the UTF-16 chars it decodes to.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    String text = out.flip().toString();
    if (result.isError()) {
      int[] at = TextScan.position(text, text.length());
      throw new ConfigException(List.of(new ConfigError(new Location(name, at[0], at[1]),
          String.format("cannot read config file: it is not valid UTF-8 from here (byte 0x%02X"
              + " at offset %d)", bytes[in.position()] & 0xFF, in.position()))));
    }
    return text;
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
