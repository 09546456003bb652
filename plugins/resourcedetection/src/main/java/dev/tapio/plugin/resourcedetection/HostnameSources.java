package dev.tapio.plugin.resourcedetection;

import dev.tapio.plugin.resourcedetection.ResourceDetectionConfig.HostnameSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code host.name} from the {@code hostname_sources}, as the Collector's system detector finds
 * it: {@code os} is the kernel's host name; {@code dns} the canonical name the hosts file gives
 * that name (the first name on the first line naming it, as go-fqdn reads {@code /etc/hosts}),
 * else what {@code lookup} gives; {@code lookup} the name a reverse lookup gives for the first
 * of the host name's addresses that has one. Java cannot ask the system resolver for a CNAME,
 * so the Collector's {@code cname} source is not offered and {@code dns} skips go-fqdn's CNAME
 * step.
 *
 * <p>Resolver calls cannot be interrupted, so each runs on a virtual thread of its own and is
 * given up at the deadline (the thread finishes on its own); the source then counts as failed
 * and the next one is tried, so {@code [dns, os]} still ends with the kernel's name when DNS is
 * unreachable. Used by one detection on one thread.
 */
final class HostnameSources {
  /** At most this many characters, as go-fqdn checks a hosts file name. */
  private static final int MAX_HOSTNAME = 254;

  private final HostView host;

  HostnameSources(HostView host) {
    this.host = host;
  }

  /**
   * The name from the first source that gives one.
   *
   * @throws DetectionException listing why each source failed
   */
  String hostName(List<HostnameSource> sources, long deadlineNanos) throws DetectionException {
    StringBuilder failures = new StringBuilder();
    for (HostnameSource source : sources) {
      try {
        String name = switch (source) {
          case OS -> kernelHostName();
          case DNS -> fullyQualified(deadlineNanos);
          case LOOKUP -> reverseLookup(kernelHostName(), deadlineNanos);
        };
        if (name != null && !name.isEmpty()) {
          return name;
        }
        failures.append(failures.isEmpty() ? "" : "; ").append(source.configName())
            .append(": no name");
      } catch (IOException e) {
        failures.append(failures.isEmpty() ? "" : "; ").append(source.configName())
            .append(": ").append(e.getMessage());
      }
    }
    throw new DetectionException("no hostname source gave a host name (" + failures
        + "); add os to system.hostname_sources or raise timeout");
  }

  /**
   * The kernel's host name, as {@code hostname} prints it. Off Linux, where {@code /proc} is
   * absent, the JDK's local host name.
   */
  String kernelHostName() throws IOException {
    String name = host.read("/proc/sys/kernel/hostname");
    if (name != null) {
      return name;
    }
    return InetAddress.getLocalHost().getHostName();
  }

  private String fullyQualified(long deadlineNanos) throws IOException {
    String name = kernelHostName();
    String canonical = fromHostsFile(name);
    return canonical != null ? canonical : reverseLookup(name, deadlineNanos);
  }

  /** The canonical name of the first hosts file line naming {@code name}, or null. */
  String fromHostsFile(String name) throws IOException {
    String hosts = host.read("/etc/hosts");
    if (hosts == null) {
      return null;
    }
    for (String line : hosts.split("\n")) {
      int comment = line.indexOf('#');
      String[] fields = (comment >= 0 ? line.substring(0, comment) : line).strip()
          .split("[ \t]+");
      if (fields.length < 2 || !isValidHostName(fields[1])) {
        continue;
      }
      for (int i = 1; i < fields.length; i++) {
        if (fields[i].equals(name)) {
          return fields[1];
        }
      }
    }
    return null;
  }

  /** go-fqdn's check, after musl: letters, digits, '.', '-' and anything non-ASCII. */
  private static boolean isValidHostName(String s) {
    if (s.length() > MAX_HOSTNAME) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80 && c != '.' && c != '-' && !Character.isLetterOrDigit(c)) {
        return false;
      }
    }
    return true;
  }

  /** The first name a reverse lookup of {@code name}'s addresses gives, without a final dot. */
  private static String reverseLookup(String name, long deadlineNanos) throws IOException {
    return beforeDeadline(() -> {
      for (InetAddress address : InetAddress.getAllByName(name)) {
        // The JDK answers the address itself when no name maps back to it.
        String found = address.getCanonicalHostName();
        if (!found.equals(address.getHostAddress())) {
          return found.endsWith(".") ? found.substring(0, found.length() - 1) : found;
        }
      }
      throw new UnknownHostException("no reverse DNS name for the addresses of " + name);
    }, deadlineNanos);
  }

  private static String beforeDeadline(Callable<String> lookup, long deadlineNanos)
      throws IOException {
    FutureTask<String> task = new FutureTask<>(lookup);
    Thread.ofVirtual().name("resourcedetection-lookup").start(task);
    try {
      return task.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IOException("no answer within the timeout");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException(cause instanceof UnknownHostException
          ? "unknown host: " + cause.getMessage() : String.valueOf(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
