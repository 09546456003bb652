package dev.tapio.plugin.sampling;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ConfigReader;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.consumer.TracesProcessor;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/** Creates {@code probabilistic_sampler} processors. Stateless and thread-safe. */
@Extension
public final class ProbabilisticSamplerFactory
    implements ProcessorFactory<ProbabilisticSamplerConfig> {
  private static final String MODES = "Tapio samples as the Collector's hash_seed mode; the"
      + " proportional and equalizing modes (W3C trace state th/rv) are not implemented";
  private static final Map<String, String> UNSUPPORTED_KEYS = Map.of(
      "mode", MODES,
      "sampling_precision", MODES,
      "attribute_source", "log records hash their trace id when it is set, else the"
          + " from_attribute value",
      "fail_closed", "records with neither a trace id nor a from_attribute value are kept at"
          + " random at sampling_percentage, not dropped",
      "sampling_priority", "there is no per-record priority; every record is sampled at"
          + " sampling_percentage");

  public ProbabilisticSamplerFactory() {}

  @Override
  public String type() {
    return "probabilistic_sampler";
  }

  @Override
  public Map<String, String> unsupportedKeys() {
    return UNSUPPORTED_KEYS;
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public String description() {
    return "Keeps a percentage of log records and traces, by a seeded hash of the trace id";
  }

  @Override
  public Set<Signal> signals() {
    return Set.of(Signal.LOGS, Signal.TRACES);
  }

  @Override
  public ProbabilisticSamplerConfig createDefaultConfig() {
    return ProbabilisticSamplerConfig.defaults();
  }

  @Override
  public ProbabilisticSamplerConfig readConfig(ConfigReader reader) {
    return new ProbabilisticSamplerConfig(
        reader.number("sampling_percentage",
            ProbabilisticSamplerConfig.DEFAULT_SAMPLING_PERCENTAGE),
        reader.longValue("hash_seed", ProbabilisticSamplerConfig.DEFAULT_HASH_SEED),
        reader.string("from_attribute", ProbabilisticSamplerConfig.DEFAULT_FROM_ATTRIBUTE));
  }

  @Override
  public LogsProcessor createLogs(ComponentContext context, ProbabilisticSamplerConfig config,
      LogsConsumer next) {
    return new LogsSampler(context, config, next);
  }

  @Override
  public TracesProcessor createTraces(ComponentContext context,
      ProbabilisticSamplerConfig config, TracesConsumer next) {
    return new TracesSampler(context, config, next);
  }
}
