package dev.tapio.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules (chart/tapio/files/tapio-rules.yaml) with Prometheus's promtool:
 * {@code check rules}, and {@code test rules} on kubernetes/test/tapio-rules-test.yaml, where
 * each alert fires on a series that should fire it and stays quiet on one that should not.
 */
class AlertRulesTest {
  static final java.nio.file.Path RULES =
      KubernetesTools.CHART.resolve("files/tapio-rules.yaml");

  @Test
  void rulesAreValidAndTheirUnitTestsPass() throws Exception {
    Assumptions.assumeTrue(KubernetesTools.onPath("promtool"),
        "promtool is not installed (Debian package prometheus; ./tapio test installs it): skipped");
    KubernetesTools.Result check = KubernetesTools.run(KubernetesTools.DIR, 60,
        "promtool", "check", "rules", RULES.toString());
    assertEquals(0, check.code(), check.out());
    KubernetesTools.Result test = KubernetesTools.run(KubernetesTools.TEST, 120,
        "promtool", "test", "rules", "tapio-rules-test.yaml");
    assertEquals(0, test.code(), test.out());
    assertTrue(test.out().contains("SUCCESS"), test.out());
  }

  @Test
  void everyAlertHasAUnitTest() throws Exception {
    Set<String> alerts = names(Files.readString(RULES), "- alert: (\\w+)");
    Set<String> tested = names(Files.readString(KubernetesTools.TEST.resolve(
        "tapio-rules-test.yaml")), "alertname: (\\w+)");
    assertTrue(alerts.size() >= 10, alerts.toString());
    assertEquals(alerts, tested, "alerts without a promtool unit test, or tests of no alert");
  }

  static Set<String> names(String text, String regex) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
