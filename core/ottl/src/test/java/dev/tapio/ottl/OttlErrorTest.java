package dev.tapio.ottl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OttlErrorTest {

  private static OttlException statement(String text, OttlContext ctx) {
    return assertThrows(OttlException.class, () -> Ottl.statement(text, ctx));
  }

  private static OttlException condition(String text, OttlContext ctx) {
    return assertThrows(OttlException.class, () -> Ottl.condition(text, ctx));
  }

  private static void at(OttlException e, int column, String reasonPart) {
    assertEquals(column, e.column(), e.getMessage());
    assertTrue(e.reason().contains(reasonPart), e.getMessage());
    assertTrue(e.getMessage().startsWith("column " + column + ": "), e.getMessage());
  }

  @Test
  void syntaxErrorsPointAtTheToken() {
    at(condition("attributes[\"a\"] == ", OttlContext.LOG), 20, "expected a value");
    at(condition("attributes[\"a\" == 1", OttlContext.LOG), 16, "expected ']'");
    at(condition("body == \"open", OttlContext.LOG), 9, "string is not closed");
    at(condition("body = \"x\"", OttlContext.LOG), 6, "unexpected '='");
    at(condition("body == 1 2", OttlContext.LOG), 11, "unexpected '2'");
    at(condition("body ! \"x\"", OttlContext.LOG), 6, "'!' must be followed by '='");
    at(condition("body == 1 == 2", OttlContext.LOG), 11, "do not chain");
    at(condition("body == $x", OttlContext.LOG), 9, "unexpected character '$'");
    at(statement("set(body, \"x\") where", OttlContext.LOG), 21, "expected a value");
    at(statement("set(body \"x\")", OttlContext.LOG), 10, "',' or ')'");
    at(statement("body == \"x\"", OttlContext.LOG), 1, "starts with an editor");
    at(statement("", OttlContext.LOG), 1, "empty statement");
  }

  @Test
  void compileErrorsPointAtTheNode() {
    at(statement("sett(body, \"x\")", OttlContext.LOG), 1, "unknown function 'sett'");
    assertTrue(statement("sett(body, \"x\")", OttlContext.LOG).reason()
        .contains("did you mean 'set'"));
    at(statement("set(attributes[\"a\"])", OttlContext.LOG), 20, "set takes 2 arguments");
    at(statement("set(attributes[\"a\"], 1, 2)", OttlContext.LOG), 25, "set takes 2 arguments");
    at(statement("IsMatch(body, \"x\")", OttlContext.LOG), 1, "is a converter");
    at(condition("set(body, \"x\")", OttlContext.LOG), 1, "is an editor");
    at(condition("IsMatch(body, \"[\")", OttlContext.LOG), 15, "invalid regular expression");
    at(condition("IsMatch(body, attributes[\"p\"])", OttlContext.LOG), 15,
        "must be a string literal");
    at(condition("attribute[\"a\"] == 1", OttlContext.LOG), 1,
        "unknown path 'attribute' for the log context (did you mean 'attributes'?)");
    at(condition("resource.atributes[\"a\"] == 1", OttlContext.LOG), 10,
        "unknown path 'resource.atributes'");
    at(condition("kind == SPAN_KIND_SERVER", OttlContext.LOG), 1, "unknown path 'kind'");
    at(condition("kind == SPAN_KIND_SERVR", OttlContext.SPAN), 9,
        "unknown enum 'SPAN_KIND_SERVR' (did you mean 'SPAN_KIND_SERVER'?)");
    at(condition("body", OttlContext.LOG), 1, "a condition needs a comparison");
    at(statement("set(metric.type, 1)", OttlContext.DATAPOINT), 5, "cannot be set");
    at(statement("keep_keys(attributes, \"a\")", OttlContext.LOG), 23,
        "must be a list of strings");
    at(statement("truncate_all(attributes, \"a\")", OttlContext.LOG), 26,
        "must be an integer literal");
    at(statement("merge_maps(attributes, body, \"replace\")", OttlContext.LOG), 30,
        "strategy must be");
    at(statement("set(target = body, valu = \"x\")", OttlContext.LOG), 20,
        "no parameter 'valu' (did you mean 'value'?)");
    at(statement("replace_pattern(body, \"a\", \"b\", SHA256)", OttlContext.LOG), 33,
        "parameter 'function' is not supported yet");
    at(statement("replace_pattern(body, \"a\", \"b\", Hash)", OttlContext.LOG), 33,
        "passed as a value is not supported yet");
    at(condition("resource == nil", OttlContext.LOG), 1, "'resource' needs a field");
  }

  @Test
  void multiLineStatementsReportLineAndColumn() {
    OttlException e = condition("attributes[\"a\"] == 1 and\n  nme == \"x\"", OttlContext.SPAN);
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertTrue(e.getMessage().startsWith("line 2, column 3: unknown path 'nme'"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("  nme == \"x\"\n    ^"), e.getMessage());
  }

  @Test
  void namedArgumentsBind() {
    Ottl.statement("set(value = \"x\", target = attributes[\"a\"])", OttlContext.LOG);
    Ottl.statement("limit(attributes, 10, [])", OttlContext.LOG);
  }
}
