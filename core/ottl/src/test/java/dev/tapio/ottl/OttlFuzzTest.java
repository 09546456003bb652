package dev.tapio.ottl;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ResourceLogs;
import dev.tapio.pdata.ScopeLogs;
import dev.tapio.pdata.Severity;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random statements: valid ones mutated character by character and token by token, and token
 * soup. Compiling may only throw {@link OttlException}; running what compiles may only throw
 * {@link OttlRuntimeException}; nothing may hang. Seeds are fixed so a failure reproduces.
 */
class OttlFuzzTest {
  private static final List<String> SEEDS = List.of(
      "set(attributes[\"a\"], Concat([body, \"x\"], \"-\")) where severity_number >= 9",
      "delete_matching_keys(attributes, \"^secret\") where IsMatch(body, \"a+\")",
      "keep_keys(resource.attributes, [\"service.name\", \"host.name\"])",
      "merge_maps(attributes, ParseJSON(body), \"upsert\") where IsString(body)",
      "replace_pattern(body, \"(\\\\d+)\", \"n=$1\")",
      "truncate_all(attributes, 4)",
      "limit(attributes, 1, [\"a\"])",
      "set(severity_number, SEVERITY_NUMBER_WARN) where not (body == nil or"
          + " attributes[\"n\"] > 3.5)",
      "set(attributes[\"len\"], Len(body) * 2 + 1)",
      "set(cache, ParseJSON(body)[\"m\"])",
      "replace_all_patterns(attributes, \"key\", \"a\", \"aa\")",
      "keep_matching_keys(attributes, \"^a\") where Len(attributes) > 0");
  private static final String[] TOKENS = {
      "set", "(", ")", "[", "]", "{", "}", ",", ".", ":", "=", "==", "!=", "<", "<=", ">", ">=",
      "+", "-", "*", "/", "where", "and", "or", "not", "nil", "true", "false", "\"s\"", "\"",
      "1", "-2", "3.5", "1e3", "0xff", "0x", "attributes", "body", "resource", "cache",
      "IsMatch", "Concat", "ParseJSON", "SEVERITY_NUMBER_INFO", "SPAN_KIND_SERVER", "FOO_BAR",
      "severity_number", "delete_key", "keep_keys", "\\", "\n", " ", "!", "$", "é", "\u0000"};

  @Test
  void randomStatementsFailOnlyWithOttlErrors() {
    SplittableRandom random = new SplittableRandom(20261207);
    TransformContext tc = context("{\"m\":{\"k\":1},\"n\":2}");
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      int compiled = 0;
      int runs = 0;
      while (System.nanoTime() < deadline && runs < 200_000) {
        String text = switch (random.nextInt(3)) {
          case 0 -> mutateChars(SEEDS.get(random.nextInt(SEEDS.size())), random);
          case 1 -> mutateTokens(SEEDS.get(random.nextInt(SEEDS.size())), random);
          default -> soup(random);
        };
        runs++;
        if (tryOne(text, tc)) {
          compiled++;
        }
      }
      assertTrue(compiled > 0, "some mutations still compile");
    });
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    TransformContext tc = context("x");
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      tryOne("set(body, " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + ")", tc);
      tryOne("not ".repeat(100_000) + "true", tc);
      tryOne("[".repeat(100_000), tc);
      tryOne("Len(".repeat(100_000), tc);
    });
  }

  private static TransformContext context(String body) {
    Logs logs = new Logs();
    ResourceLogs rl = logs.resourceLogs().appendEmpty();
    ScopeLogs sl = rl.scopeLogs().appendEmpty();
    LogRecord r = sl.logRecords().appendEmpty().setBody(body).setSeverity(Severity.INFO);
    r.attributes().putString("a", "secret").putLong("n", 5);
    return new TransformContext().resource(rl.resource()).scope(sl.scope()).log(r);
  }

  /** True when the text compiled (as a statement or a condition). */
  private static boolean tryOne(String text, TransformContext tc) {
    boolean ok = false;
    for (OttlContext ctx : new OttlContext[] {OttlContext.LOG, OttlContext.RESOURCE}) {
      try {
        OttlStatement s = Ottl.statement(text, ctx);
        ok = true;
        run(() -> s.execute(tc), text);
      } catch (OttlException expected) {
        // fine
      } catch (Throwable t) {
        fail("statement " + quote(text) + " threw " + t, t);
      }
      try {
        OttlCondition c = Ottl.condition(text, ctx);
        ok = true;
        run(() -> c.matches(tc), text);
      } catch (OttlException expected) {
        // fine
      } catch (Throwable t) {
        fail("condition " + quote(text) + " threw " + t, t);
      }
    }
    return ok;
  }

  private static void run(Runnable r, String text) {
    try {
      r.run();
    } catch (OttlRuntimeException expected) {
      // fine
    } catch (Throwable t) {
      fail("running " + quote(text) + " threw " + t, t);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("\n", "\\n") + "'";
  }

  private static String mutateChars(String s, SplittableRandom random) {
    StringBuilder sb = new StringBuilder(s);
    int n = 1 + random.nextInt(3);
    for (int k = 0; k < n && sb.length() > 0; k++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(3)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, (char) (32 + random.nextInt(95)));
        default -> sb.setCharAt(at, (char) (32 + random.nextInt(95)));
      }
    }
    return sb.toString();
  }

  private static String mutateTokens(String s, SplittableRandom random) {
    String[] parts = s.split("(?<=[\\s(),\\[\\]])|(?=[\\s(),\\[\\]])");
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      int r = random.nextInt(10);
      if (r == 0) {
        continue;
      }
      sb.append(r == 1 ? TOKENS[random.nextInt(TOKENS.length)] : p);
      if (r == 2) {
        sb.append(TOKENS[random.nextInt(TOKENS.length)]);
      }
    }
    return sb.toString();
  }

  private static String soup(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + random.nextInt(20);
    for (int i = 0; i < n; i++) {
      sb.append(TOKENS[random.nextInt(TOKENS.length)]);
      if (random.nextBoolean()) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }
}
