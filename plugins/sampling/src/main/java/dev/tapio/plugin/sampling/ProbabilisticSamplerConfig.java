package dev.tapio.plugin.sampling;

import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigProblems;

/**
 * Configuration of the {@code probabilistic_sampler} processor; see the package documentation.
 *
 * @param samplingPercentage share of items kept, 0..100
 * @param hashSeed seed of the hash, an unsigned 32-bit integer; samplers that must agree on
 *     decisions share it
 * @param fromAttribute log record attribute hashed when the record has no trace id; empty means
 *     a random decision per such record
 */
public record ProbabilisticSamplerConfig(double samplingPercentage, long hashSeed,
    String fromAttribute) implements ComponentConfig {

  static final double DEFAULT_SAMPLING_PERCENTAGE = 0;
  static final long DEFAULT_HASH_SEED = 0;
  static final String DEFAULT_FROM_ATTRIBUTE = "";

  public ProbabilisticSamplerConfig {
    fromAttribute = fromAttribute == null ? DEFAULT_FROM_ATTRIBUTE : fromAttribute;
  }

  static ProbabilisticSamplerConfig defaults() {
    return new ProbabilisticSamplerConfig(DEFAULT_SAMPLING_PERCENTAGE, DEFAULT_HASH_SEED,
        DEFAULT_FROM_ATTRIBUTE);
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (!(samplingPercentage >= 0 && samplingPercentage <= 100)) {
      problems.error("sampling_percentage", "must be between 0 and 100, got "
          + samplingPercentage);
    }
    if (hashSeed < 0 || hashSeed > 0xFFFF_FFFFL) {
      problems.error("hash_seed", "must be an unsigned 32-bit integer (0 to 4294967295), got "
          + hashSeed);
    }
  }
}
