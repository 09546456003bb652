package dev.tapio.plugin.resourcedetection;

import static dev.tapio.plugin.resourcedetection.Fixture.detectOnLogs;
import static dev.tapio.plugin.resourcedetection.Fixture.factory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsProcessor;
import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.pdata.Attributes;
import dev.tapio.testkit.ConsumerSink;
import dev.tapio.testkit.TestHost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvDetectorTest {
  private static final String SUFFIX = "; expected key=value entries separated by commas, values"
      + " percent-encoded (e.g. service.name=cart,team=a%2Cb); fix or unset the variable, or"
      + " remove env from detectors";

  private static Map<String, String> parse(String text) throws DetectionException {
    return EnvDetector.parse("OTEL_RESOURCE_ATTRIBUTES", text);
  }

  private static String malformed(String text) {
    return assertThrows(DetectionException.class, () -> parse(text)).getMessage();
  }

  @Test
  void readsEntriesInOrderTrimmingWhiteSpace() throws Exception {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("service.name", "cart");
    expected.put("deployment.environment", "prod");
    expected.put("empty", "");
    assertEquals(expected, parse(" service.name = cart ,deployment.environment=prod,empty="));
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(
        parse(" service.name = cart ,deployment.environment=prod,empty=").keySet()));
  }

  @Test
  void percentDecodesValuesAsUtf8() throws Exception {
    assertEquals(Map.of("team", "a,b", "eq", "x=y", "pct", "100%", "name", "café",
        "plus", "a+b", "raw", "a=b"),
        parse("team=a%2Cb,eq=x%3dy,pct=100%25,name=caf%C3%A9,plus=a+b,raw=a=b"));
  }

  @Test
  void skipsEmptyEntriesAndKeepsTheLastValueOfAKey() throws Exception {
    assertEquals(Map.of("a", "2", "b", "1"), parse(",a=1,, b=1 ,a=2,"));
    assertEquals(Map.of(), parse(" , "));
  }

  @Test
  void malformedEntriesAreNamedByPositionAndText() {
    assertEquals("OTEL_RESOURCE_ATTRIBUTES entry 2 'team' has no '='" + SUFFIX,
        malformed("service.name=cart,team,x=1"));
    assertEquals("OTEL_RESOURCE_ATTRIBUTES entry 1 '=cart' has no key before '='" + SUFFIX,
        malformed("=cart"));
    assertEquals("OTEL_RESOURCE_ATTRIBUTES entry 1 'a=50%' has a '%' at value position 2 not"
        + " followed by two hex digits (write a literal % as %25)" + SUFFIX, malformed("a=50%"));
    assertTrue(malformed("a=1,b=%zz").startsWith("OTEL_RESOURCE_ATTRIBUTES entry 2 'b=%zz' has"
        + " a '%' at value position 0"), malformed("a=1,b=%zz"));
    assertEquals("OTEL_RESOURCE_ATTRIBUTES entry 1 'a=%C3%28' has a value whose percent-decoded"
        + " bytes are not UTF-8" + SUFFIX, malformed("a=%C3%28"));
  }

  @Test
  void attributesReachTheResource() throws Exception {
    Attributes a = detectOnLogs(factory(Map.of("OTEL_RESOURCE_ATTRIBUTES",
        "service.name=cart,team=a%2Cb")), "detectors: [env]");
    assertEquals("cart", a.getString("service.name"));
    assertEquals("a,b", a.getString("team"));
    assertEquals(2, a.size());
  }

  @Test
  void unsetOrBlankDetectsNothingAndDeprecatedVariableIsRead() throws Exception {
    assertEquals(0, detectOnLogs(factory(Map.of()), "").size());
    assertEquals(0, detectOnLogs(factory(Map.of("OTEL_RESOURCE_ATTRIBUTES", "  ")), "").size());
    Attributes old = detectOnLogs(factory(Map.of("OTEL_RESOURCE", "k=v")), "");
    assertEquals("v", old.getString("k"));
    Attributes both = detectOnLogs(factory(Map.of("OTEL_RESOURCE", "k=old",
        "OTEL_RESOURCE_ATTRIBUTES", "k=new")), "");
    assertEquals("new", both.getString("k"));
  }

  @Test
  void aMalformedVariableFailsStartNamingDetectorAndEntry() throws Exception {
    var f = factory(Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=cart,oops"));
    LogsProcessor p = f.createLogs(Fixture.context(Signal.LOGS),
        ComponentConfigs.read(f, "detectors: [env, system]"), new ConsumerSink());
    DetectionException e = assertThrows(DetectionException.class,
        () -> p.start(new TestHost()));
    assertEquals("detector env: OTEL_RESOURCE_ATTRIBUTES entry 2 'oops' has no '='" + SUFFIX,
        e.getMessage());
    p.shutdown();
  }
}
