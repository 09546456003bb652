package dev.tapio.plugin.ebpf.process;

import dev.tapio.bpf.receiver.Wakeup;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;
import java.time.Duration;

/**
 * Configuration of the {@code ebpf_process} receiver.
 *
 * @param ringBufferSize bytes of the kernel ring buffer; a power of two, at least one page
 * @param exec whether to report process.exec
 * @param exit whether to report process.exit
 * @param fork whether to report process.fork (off by default: noisy)
 * @param execSampleEvery keep 1 in N exec events in the kernel (1 = all)
 * @param exitSampleEvery keep 1 in N exit events
 * @param forkSampleEvery keep 1 in N fork events
 * @param filterPid only this process (0 = all)
 * @param filterCgroupId only this cgroup v2 id (0 = all)
 * @param argsMaxBytes argv bytes read per exec (at most 4096)
 * @param argsMaxCount argv entries kept per exec
 * @param pollTimeout longest wait before pending records are read: the latency bound
 * @param wakeupBytes pending bytes at which the kernel wakes the reader early
 * @param wakeupPolicy {@code adaptive}: the wake-up threshold follows the measured rate
 *     (wakeup_bytes while idle); {@code fixed}: always wakeup_bytes
 * @param fallback what to do when the programs cannot load
 * @param procfsInterval scan interval of the /proc fallback
 * @param cacheSize cgroup attribution cache entries
 */
public record EbpfProcessConfig(
    long ringBufferSize,
    boolean exec,
    boolean exit,
    boolean fork,
    int execSampleEvery,
    int exitSampleEvery,
    int forkSampleEvery,
    int filterPid,
    long filterCgroupId,
    int argsMaxBytes,
    int argsMaxCount,
    Duration pollTimeout,
    long wakeupBytes,
    Wakeup wakeupPolicy,
    Fallback fallback,
    Duration procfsInterval,
    int cacheSize) implements ComponentConfig {

  /** {@code proc}: poll /proc at lower fidelity; {@code none}: fail the start. */
  public enum Fallback {
    PROC,
    NONE
  }

  static final int ARGS_MAX = 4096;

  static EbpfProcessConfig defaults() {
    return new EbpfProcessConfig(1 << 20, true, true, false, 1, 1, 1, 0, 0, 1024, 64,
        Duration.ofMillis(50), 4096, Wakeup.ADAPTIVE, Fallback.PROC, Duration.ofSeconds(1), 4096);
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (ringBufferSize < 4096 || Long.bitCount(ringBufferSize) != 1
        || ringBufferSize > (1L << 30)) {
      problems.error("ring_buffer_size", "must be a power of two between 4KiB and 1GiB, got "
          + ringBufferSize);
    }
    positive(problems, "sampling.exec", execSampleEvery);
    positive(problems, "sampling.exit", exitSampleEvery);
    positive(problems, "sampling.fork", forkSampleEvery);
    if (filterPid < 0) {
      problems.error("filter.pid", "must not be negative, got " + filterPid);
    }
    if (filterCgroupId < 0) {
      problems.error("filter.cgroup_id", "must not be negative, got " + filterCgroupId);
    }
    if (argsMaxBytes < 0 || argsMaxBytes > ARGS_MAX) {
      problems.error("args_max_bytes", "must be between 0 and " + ARGS_MAX + ", got "
          + argsMaxBytes);
    }
    if (argsMaxCount < 0) {
      problems.error("args_max_count", "must not be negative, got " + argsMaxCount);
    }
    if (pollTimeout.isNegative() || pollTimeout.isZero() || pollTimeout.toMillis() > 10_000) {
      problems.error("poll_timeout", "must be between 1ms and 10s, got " + pollTimeout);
    }
    if (wakeupBytes < 1) {
      problems.error("wakeup_bytes", "must be at least 1, got " + wakeupBytes);
    }
    if (procfsInterval.isNegative() || procfsInterval.isZero()) {
      problems.error("procfs_interval", "must be greater than zero, got " + procfsInterval);
    }
    if (cacheSize < 1) {
      problems.error("cgroup_cache_size", "must be at least 1, got " + cacheSize);
    }
  }

  private static void positive(ConfigProblems problems, String key, int value) {
    if (value < 1) {
      problems.error(key, "must be at least 1 (1 keeps every event), got " + value);
    }
  }

  /** The programs' read-only config struct (tapio.h, struct tapio_process_config). */
  byte[] kernelConfig() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(40)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(exec ? execSampleEvery : 0).putInt(exit ? exitSampleEvery : 0)
        .putInt(fork ? forkSampleEvery : 0).putInt(filterPid).putLong(filterCgroupId)
        .putInt(argsMaxBytes).putInt(0).putLong(wakeupBytes);
    return b.array();
  }
}
