package dev.tapio.plugin.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SamplerTest {
  private long now = 5_000_000_000L;

  private String run(Sampler sampler, int messages) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < messages; i++) {
      sb.append(sampler.sample() ? 'P' : '-');
    }
    return sb.toString();
  }

  @Test
  void firstInitialPassThenEveryThereafterth() {
    Sampler sampler = new Sampler(2, 3, () -> now);
    assertEquals("PP--P--P--P", run(sampler, 11));
  }

  @Test
  void eachSecondStartsAfresh() {
    Sampler sampler = new Sampler(1, 0, () -> now);
    assertEquals("P---", run(sampler, 4));
    now += 999_999_999L; // still within the same second
    assertEquals("-", run(sampler, 1));
    now += 1;
    assertEquals("P-", run(sampler, 2));
  }

  @Test
  void defaultsPrintEverything() {
    Sampler sampler = new Sampler(2, 1, () -> now);
    assertEquals("PPPPPPPP", run(sampler, 8));
  }
}
