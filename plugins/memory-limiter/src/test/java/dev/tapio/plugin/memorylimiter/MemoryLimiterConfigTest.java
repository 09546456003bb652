package dev.tapio.plugin.memorylimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLimiterConfigTest {

  private static List<String> problems(MemoryLimiterConfig config) {
    List<String> out = new ArrayList<>();
    config.validate((key, message) -> out.add(key + ": " + message));
    return out;
  }

  private static MemoryLimiterConfig config(Duration interval, long mib, long spikeMib,
      int pct, int spikePct) {
    return new MemoryLimiterConfig(interval, mib, spikeMib, pct, spikePct, null, null);
  }

  @Test
  void defaultsNeedALimit() {
    MemoryLimiterConfig d = new MemoryLimiterFactory().createDefaultConfig();
    assertEquals(Duration.ofSeconds(1), d.checkInterval());
    assertEquals(List.of(": 'limit_mib' or 'limit_percentage' must be greater than zero"),
        problems(d));
  }

  @Test
  void acceptsEitherKindOfLimit() {
    assertEquals(List.of(), problems(config(Duration.ofSeconds(1), 512, 0, 0, 0)));
    assertEquals(List.of(), problems(config(Duration.ofSeconds(1), 512, 100, 0, 0)));
    assertEquals(List.of(), problems(config(Duration.ofSeconds(1), 0, 0, 80, 20)));
  }

  @Test
  void checkIntervalMustBePositive() {
    assertEquals(List.of("check_interval: 'check_interval' must be greater than zero"),
        problems(config(Duration.ZERO, 512, 0, 0, 0)));
  }

  @Test
  void spikeMustBeBelowTheLimit() {
    assertEquals(List.of("spike_limit_mib: 'spike_limit_mib' must be smaller than 'limit_mib'"),
        problems(config(Duration.ofSeconds(1), 100, 100, 0, 0)));
    assertEquals(List.of("spike_limit_percentage: 'spike_limit_percentage' must be smaller than"
        + " 'limit_percentage'"), problems(config(Duration.ofSeconds(1), 0, 0, 50, 60)));
  }

  @Test
  void percentagesMustBeAtMostHundred() {
    List<String> p = problems(config(Duration.ofSeconds(1), 0, 0, 101, 0));
    assertEquals(List.of("limit_percentage: 'limit_percentage' and 'spike_limit_percentage' must"
        + " be greater than zero and less than or equal to hundred"), p);
  }

  @Test
  void gcIntervalsMustBeOrdered() {
    MemoryLimiterConfig c = new MemoryLimiterConfig(Duration.ofSeconds(1), 100, 0, 0, 0,
        Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertEquals(List.of("min_gc_interval_when_soft_limited: 'min_gc_interval_when_soft_limited'"
        + " should be larger than 'min_gc_interval_when_hard_limited'"), problems(c));
  }

  @Test
  void gcBackoffCapsAreRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new MemoryLimiterFactory(), "limit_mib: 1500\nmax_gc_interval_when_soft_limited: 30s\n"));
    assertEquals(List.of("component.yaml:2:1: processor 'memory_limiter', key"
        + " 'max_gc_interval_when_soft_limited': is not supported yet: forced GCs do not back"
        + " off when they free little; the min_gc_interval_when_* keys space them"),
        e.errors().stream().map(ConfigError::toString).toList());
  }
}
