package dev.tapio.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.Signal;
import dev.tapio.component.Stability;
import dev.tapio.config.ComponentConfig;
import dev.tapio.config.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ConfigReader#scalar} and {@link ConfigReader#holdsSectionList}. */
class TypedValuesTest {

  record Seen(List<Object> values, boolean statementGroups, boolean flatStatements,
      boolean absent) implements ComponentConfig {}

  static final class Probe implements ProcessorFactory<Seen> {
    @Override
    public String type() {
      return "probe";
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public Seen createDefaultConfig() {
      return new Seen(List.of(), false, false, false);
    }

    @Override
    public Seen readConfig(ConfigReader reader) {
      List<Object> values = new ArrayList<>();
      for (String key : List.of("s", "quoted", "i", "hex", "f", "b", "nil", "missing")) {
        values.add(reader.scalar(key));
      }
      boolean groups = reader.holdsSectionList("groups");
      boolean flat = reader.holdsSectionList("flat");
      boolean absent = reader.holdsSectionList("absent");
      reader.sectionList("groups").forEach(g -> g.string("context", ""));
      reader.stringList("flat", List.of());
      return new Seen(values, groups, flat, absent);
    }
  }

  @Test
  void scalarsKeepTheirYamlType() throws ConfigException {
    Seen seen = ComponentConfigs.read(new Probe(), """
        s: text
        quoted: "2245"
        i: 2245
        hex: 0x1F
        f: 0.25
        b: true
        nil: null
        groups:
          - {context: log}
        flat:
          - set(body, "x")
        """);
    List<Object> v = seen.values();
    assertEquals("text", v.get(0));
    assertEquals("2245", v.get(1), "quoted text stays a string");
    assertEquals(2245L, v.get(2));
    assertEquals(31L, v.get(3));
    assertEquals(0.25, v.get(4));
    assertEquals(Boolean.TRUE, v.get(5));
    assertNull(v.get(6));
    assertNull(v.get(7));
    assertTrue(seen.statementGroups());
    assertFalse(seen.flatStatements());
    assertFalse(seen.absent());
  }

  @Test
  void aMapWhereAScalarBelongsIsAnError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(new Probe(), "s: {a: 1}\n"));
    assertTrue(e.getMessage().contains("key 's': expected a string, number or boolean"),
        e.getMessage());
  }
}
