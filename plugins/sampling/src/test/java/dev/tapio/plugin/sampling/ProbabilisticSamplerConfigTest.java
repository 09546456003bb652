package dev.tapio.plugin.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbabilisticSamplerConfigTest {

  private static List<String> problems(ProbabilisticSamplerConfig config) {
    List<String> out = new ArrayList<>();
    config.validate((key, message) -> out.add(key + ": " + message));
    return out;
  }

  @Test
  void defaultsAreTheCollectorsAndValid() {
    ProbabilisticSamplerConfig d = new ProbabilisticSamplerFactory().createDefaultConfig();
    assertEquals(new ProbabilisticSamplerConfig(0, 0, ""), d);
    assertEquals(List.of(), problems(d));
  }

  @Test
  void percentageMustBeWithinZeroAndHundred() {
    assertEquals(List.of(), problems(new ProbabilisticSamplerConfig(100, 0, "")));
    assertEquals(List.of("sampling_percentage: must be between 0 and 100, got 100.5"),
        problems(new ProbabilisticSamplerConfig(100.5, 0, "")));
    assertEquals(List.of("sampling_percentage: must be between 0 and 100, got -1.0"),
        problems(new ProbabilisticSamplerConfig(-1, 0, "")));
    assertEquals(1, problems(new ProbabilisticSamplerConfig(Double.NaN, 0, "")).size());
  }

  @Test
  void seedMustBeAnUnsigned32BitInteger() {
    assertEquals(List.of(), problems(new ProbabilisticSamplerConfig(1, 4294967295L, "")));
    assertEquals(List.of("hash_seed: must be an unsigned 32-bit integer (0 to 4294967295), got"
        + " 4294967296"), problems(new ProbabilisticSamplerConfig(1, 4294967296L, "")));
    assertEquals(1, problems(new ProbabilisticSamplerConfig(1, -1, "")).size());
  }

  @Test
  void failClosedIsRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class, () -> ComponentConfigs.read(
        new ProbabilisticSamplerFactory(), "sampling_percentage: 10\nfail_closed: false\n"));
    assertEquals(List.of("component.yaml:2:1: processor 'probabilistic_sampler', key"
        + " 'fail_closed': is not supported yet: records with neither a trace id nor a"
        + " from_attribute value are kept at random at sampling_percentage, not dropped"),
        e.errors().stream().map(ConfigError::toString).toList());
  }
}
