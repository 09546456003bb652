package dev.tapio.engine.telemetry;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.tapio.component.ComponentStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Metrics every scrape target is expected to have, read at scrape time: the process's CPU,
 * resident memory, file descriptors and start time under the names Prometheus's own client
 * libraries use ({@code process_*}), the JVM's heap and non-heap use ({@code
 * jvm_memory_used_bytes{area}}), and each component's state as a one-hot state set
 * ({@code tapio_component_status{component, status}}: 1 for the state /readyz reports, 0 for
 * the others), so that an alert can say "degraded" without scraping /readyz.
 *
 * <p>Registered once per {@link SelfTelemetry}; the callbacks run on the scraping thread.
 */
final class ProcessMetrics {
  private static final AttributeKey<String> AREA = AttributeKey.stringKey("area");
  private static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final Attributes HEAP = Attributes.of(AREA, "heap");
  private static final Attributes NON_HEAP = Attributes.of(AREA, "nonheap");
  private static final Path STATUS_FILE = Path.of("/proc/self/status");
  private static final Path FD_DIR = Path.of("/proc/self/fd");

  private ProcessMetrics() {}

  static void register(Meter meter, Health health) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      meter.counterBuilder("process_cpu_seconds").ofDoubles()
          .setDescription("User and system CPU time spent, in seconds")
          .buildWithCallback(m -> m.record(sun.getProcessCpuTime() / 1e9));
    }
    meter.gaugeBuilder("process_resident_memory_bytes")
        .setDescription("Resident memory (VmRSS), in bytes")
        .buildWithCallback(m -> {
          long rss = vmRssBytes();
          if (rss >= 0) {
            m.record(rss);
          }
        });
    long startSeconds = ProcessHandle.current().info().startInstant()
        .map(i -> i.getEpochSecond()).orElse(-1L);
    if (startSeconds > 0) {
      meter.gaugeBuilder("process_start_time_seconds")
          .setDescription("Start time of the process since the Unix epoch, in seconds")
          .buildWithCallback(m -> m.record(startSeconds));
    }
    if (os instanceof UnixOperatingSystemMXBean unix) {
      meter.gaugeBuilder("process_open_fds").setDescription("Open file descriptors")
          .buildWithCallback(m -> m.record(unix.getOpenFileDescriptorCount()));
      meter.gaugeBuilder("process_max_fds").setDescription("The file descriptor limit")
          .buildWithCallback(m -> m.record(unix.getMaxFileDescriptorCount()));
    } else if (Files.isDirectory(FD_DIR)) {
      meter.gaugeBuilder("process_open_fds").setDescription("Open file descriptors")
          .buildWithCallback(m -> m.record(openFds()));
    }
    meter.gaugeBuilder("jvm_memory_used_bytes")
        .setDescription("Memory the JVM uses, by area (heap, nonheap)")
        .buildWithCallback(m -> {
          m.record(memory.getHeapMemoryUsage().getUsed(), HEAP);
          m.record(memory.getNonHeapMemoryUsage().getUsed(), NON_HEAP);
        });
    meter.gaugeBuilder("tapio_component_status")
        .setDescription("1 for each component's current state (as on /readyz), 0 for the others")
        .buildWithCallback(m -> {
          for (Map.Entry<String, Health.Entry> e : health.snapshot().entrySet()) {
            for (ComponentStatus s : ComponentStatus.values()) {
              m.record(s == e.getValue().status() ? 1 : 0,
                  Attributes.of(COMPONENT, e.getKey(), STATUS, s.label()));
            }
          }
        });
  }

  /** VmRSS from /proc/self/status, or -1 where there is none (not Linux). */
  static long vmRssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS_FILE)) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unreadable /proc: no such metric rather than a wrong one.
    }
    return -1;
  }

  private static long openFds() {
    try (var fds = Files.list(FD_DIR)) {
      return fds.count();
    } catch (IOException e) {
      return 0;
    }
  }
}
