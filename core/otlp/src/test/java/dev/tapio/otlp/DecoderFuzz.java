package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapio.component.Signal;
import dev.tapio.pdata.TelemetryData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The loop both decoder fuzz tests run: seeds from {@link RandomTelemetry} in the decoder's own
 * encoding, mutated, decoded as a random signal by one of the decoders. Every outcome must be a
 * result (which must encode again) or an {@link OtlpFormatException}; both must be common, or
 * the mutations are not exercising the decoder. Test-thread use only.
 */
final class DecoderFuzz {
  private DecoderFuzz() {}

  /**
   * @param encode the decoder's own encoding of a seed
   * @param mutate a mutated copy of a seed
   * @param show an input as text for a failure message
   */
  static void run(long seed, int inputs, int telemetrySeed,
      Function<TelemetryData<?>, byte[]> encode,
      BiFunction<byte[], Random, byte[]> mutate, Function<byte[], String> show,
      OtlpRequestDecoder... decoders) {
    Random random = new Random(seed);
    List<byte[]> seeds = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      RandomTelemetry telemetry = new RandomTelemetry(telemetrySeed + i, 1);
      seeds.add(encode.apply(telemetry.logs()));
      seeds.add(encode.apply(telemetry.metrics()));
      seeds.add(encode.apply(telemetry.traces()));
    }
    OtlpEncoder check = new OtlpEncoder();
    Signal[] signals = Signal.values();
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < inputs; i++) {
      byte[] input = mutate.apply(seeds.get(random.nextInt(seeds.size())), random);
      OtlpRequestDecoder decoder = decoders[random.nextInt(decoders.length)];
      Signal signal = signals[random.nextInt(signals.length)];
      try {
        // Whatever is accepted must be well-formed pdata: encoding it must not fail.
        check.encode(decoder.decode(signal, input));
        accepted++;
      } catch (OtlpFormatException expected) {
        rejected++;
      } catch (Throwable t) {
        fail("input " + i + " as " + signal + ": " + show.apply(input), t);
      }
    }
    assertTrue(accepted > inputs / 20, "accepted " + accepted);
    assertTrue(rejected > inputs / 5, "rejected " + rejected);
  }
}
