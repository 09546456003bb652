package dev.tapio.ottl;

import dev.tapio.ottl.Ast.Arg;
import dev.tapio.ottl.Ast.Bool;
import dev.tapio.ottl.Ast.Call;
import dev.tapio.ottl.Ast.Key;
import dev.tapio.ottl.Ast.Op;
import dev.tapio.ottl.Ast.Value;
import dev.tapio.ottl.Token.Kind;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Recursive-descent parser for the OTTL grammar:
 *
 * <pre>
 * statement  = editor [ "where" bool ]
 * condition  = bool
 * bool       = term { "or" term }
 * term       = factor { "and" factor }
 * factor     = [ "not" ] ( "(" bool ")" | value [ op value ] )
 * value      = sum ; sum = product { ("+"|"-") product } ; product = atom { ("*"|"/") atom }
 * atom       = literal | "nil" | ENUM | path | call | list | map | "(" sum ")"
 * path       = name { "." name } { "[" key "]" }
 * call       = Name "(" [ arg { "," arg } ] ")" { "[" key "]" }
 * arg        = [ name "=" ] value | Name          (a function name passed as a value)
 * </pre>
 *
 * Nesting is bounded ({@link #MAX_DEPTH}) so that a hostile statement cannot overflow the stack.
 */
final class Parser {
  static final int MAX_DEPTH = 64;

  private final String text;
  private final List<Token> tokens;
  private int i;
  private int depth;

  private Parser(String text) {
    this.text = text;
    this.tokens = Lexer.tokens(text);
  }

  static Ast.Statement statement(String text) {
    Parser p = new Parser(text);
    Token first = p.peek();
    if (first.is(Kind.EOF)) {
      throw p.error(first, "empty statement: expected an editor such as set(...)");
    }
    Value head = p.value();
    if (!(head instanceof Call call)) {
      throw p.error(first, "a statement starts with an editor call such as set(...) or"
          + " delete_key(...)");
    }
    Bool where = null;
    if (p.peek().isWord("where")) {
      p.i++;
      where = p.bool();
    }
    p.expectEnd();
    return new Ast.Statement(call, where, first.offset());
  }

  static Bool condition(String text) {
    Parser p = new Parser(text);
    if (p.peek().is(Kind.EOF)) {
      throw p.error(p.peek(), "empty condition");
    }
    Bool b = p.bool();
    p.expectEnd();
    return b;
  }

  private void expectEnd() {
    Token t = peek();
    if (!t.is(Kind.EOF)) {
      String hint = t.isWord("where") || isOp(t) ? ""
          : " (missing 'and', 'or' or an operator?)";
      throw error(t, "unexpected " + t.describe() + hint);
    }
  }

  private OttlException error(Token t, String reason) {
    return new OttlException(text, t.offset(), reason);
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(i + ahead, tokens.size() - 1));
  }

  private Token take() {
    Token t = tokens.get(i);
    if (!t.is(Kind.EOF)) {
      i++;
    }
    return t;
  }

  private Token expect(Kind kind, String what) {
    Token t = peek();
    if (!t.is(kind)) {
      throw error(t, "expected " + what + ", got " + t.describe());
    }
    return take();
  }

  private void enter(Token at) {
    if (++depth > MAX_DEPTH) {
      throw error(at, "nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  private Bool bool() {
    Token start = peek();
    enter(start);
    List<Bool> terms = new ArrayList<>();
    terms.add(term());
    while (peek().isWord("or")) {
      take();
      terms.add(term());
    }
    depth--;
    return terms.size() == 1 ? terms.getFirst() : new Ast.Or(terms, start.offset());
  }

  private Bool term() {
    Token start = peek();
    List<Bool> factors = new ArrayList<>();
    factors.add(factor());
    while (peek().isWord("and")) {
      take();
      factors.add(factor());
    }
    return factors.size() == 1 ? factors.getFirst() : new Ast.And(factors, start.offset());
  }

  private Bool factor() {
    Token start = peek();
    if (start.isWord("not")) {
      take();
      enter(start);
      Bool operand = factor();
      depth--;
      return new Ast.Not(operand, start.offset());
    }
    if (start.is(Kind.LPAREN) && parenIsBool()) {
      take();
      Bool inner = bool();
      expect(Kind.RPAREN, "')'");
      return inner;
    }
    Value left = value();
    Token op = peek();
    if (!isOp(op)) {
      return new Ast.BoolValue(left, start.offset());
    }
    take();
    Value right = value();
    if (isOp(peek())) {
      throw error(peek(), "comparisons do not chain: use 'and'");
    }
    return new Ast.Compare(left, op(op), right, op.offset());
  }

  /**
   * Whether the '(' at the cursor opens a boolean group rather than an arithmetic one: it does
   * when it holds a comparison, 'and', 'or' or 'not' at its own nesting level.
   */
  private boolean parenIsBool() {
    int level = 0;
    for (int k = i; k < tokens.size(); k++) {
      Token t = tokens.get(k);
      switch (t.kind()) {
        case LPAREN, LBRACK, LBRACE -> level++;
        case RPAREN, RBRACK, RBRACE -> {
          level--;
          if (level == 0) {
            return false;
          }
        }
        case EOF -> {
          return true;
        }
        default -> {
          if (level == 1 && (isOp(t) || t.isWord("and") || t.isWord("or") || t.isWord("not"))) {
            return true;
          }
        }
      }
    }
    return true;
  }

  private static boolean isOp(Token t) {
    return switch (t.kind()) {
      case EQ, NE, LT, LE, GT, GE -> true;
      default -> false;
    };
  }

  private static Op op(Token t) {
    return switch (t.kind()) {
      case EQ -> Op.EQ;
      case NE -> Op.NE;
      case LT -> Op.LT;
      case LE -> Op.LE;
      case GT -> Op.GT;
      case GE -> Op.GE;
      default -> throw new IllegalStateException();
    };
  }

  private Value value() {
    Token start = peek();
    enter(start);
    Value left = product();
    while (peek().is(Kind.PLUS) || peek().is(Kind.MINUS)) {
      Token op = take();
      left = new Ast.Math(left, op.text().charAt(0), product(), op.offset());
    }
    depth--;
    return left;
  }

  private Value product() {
    Value left = atom();
    while (peek().is(Kind.STAR) || peek().is(Kind.SLASH)) {
      Token op = take();
      left = new Ast.Math(left, op.text().charAt(0), atom(), op.offset());
    }
    return left;
  }

  private Value atom() {
    Token t = peek();
    switch (t.kind()) {
      case STRING -> {
        take();
        return new Ast.Literal(t.text(), t.offset());
      }
      case INT, FLOAT -> {
        take();
        return number(t, false);
      }
      case MINUS -> {
        take();
        Token n = peek();
        if (!n.is(Kind.INT) && !n.is(Kind.FLOAT)) {
          throw error(n, "expected a number after '-', got " + n.describe());
        }
        take();
        return number(n, true);
      }
      case BYTES -> {
        take();
        return new Ast.Literal(HexFormat.of().parseHex(t.text()), t.offset());
      }
      case LBRACK -> {
        return list();
      }
      case LBRACE -> {
        return map();
      }
      case LPAREN -> {
        take();
        Value inner = value();
        expect(Kind.RPAREN, "')'");
        return inner;
      }
      case IDENT -> {
        return identifier();
      }
      default -> throw error(t, "expected a value (a literal, a path or a function call), got "
          + t.describe());
    }
  }

  private Value number(Token t, boolean negative) {
    String s = negative ? "-" + t.text() : t.text();
    try {
      if (t.is(Kind.INT)) {
        return new Ast.Literal(Long.parseLong(s), t.offset());
      }
      return new Ast.Literal(Double.parseDouble(s), t.offset());
    } catch (NumberFormatException e) {
      throw error(t, "number out of range: " + s);
    }
  }

  private Value list() {
    Token open = take();
    List<Value> items = new ArrayList<>();
    if (!peek().is(Kind.RBRACK)) {
      do {
        items.add(value());
      } while (accept(Kind.COMMA) && !peek().is(Kind.RBRACK));
    }
    expect(Kind.RBRACK, "',' or ']' in a list");
    return new Ast.ListValue(items, open.offset());
  }

  private Value map() {
    Token open = take();
    List<String> keys = new ArrayList<>();
    List<Value> values = new ArrayList<>();
    if (!peek().is(Kind.RBRACE)) {
      do {
        Token k = expect(Kind.STRING, "a string key in a map");
        expect(Kind.COLON, "':' after a map key");
        keys.add(k.text());
        values.add(value());
      } while (accept(Kind.COMMA) && !peek().is(Kind.RBRACE));
    }
    expect(Kind.RBRACE, "',' or '}' in a map");
    return new Ast.MapValue(keys, values, open.offset());
  }

  private boolean accept(Kind k) {
    if (peek().is(k)) {
      take();
      return true;
    }
    return false;
  }

  private Value identifier() {
    Token t = take();
    String name = t.text();
    switch (name) {
      case "nil" -> {
        return new Ast.Literal(null, t.offset());
      }
      case "true", "false" -> {
        return new Ast.Literal(Boolean.valueOf(name), t.offset());
      }
      case "where", "and", "or", "not" -> throw error(t, "expected a value, got keyword '"
          + name + "'");
      default -> {
      }
    }
    if (peek().is(Kind.LPAREN)) {
      return call(t);
    }
    if (isEnumName(name) && !peek().is(Kind.DOT) && !peek().is(Kind.LBRACK)) {
      return new Ast.Enum(name, t.offset());
    }
    List<String> names = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    names.add(name);
    offsets.add(t.offset());
    while (peek().is(Kind.DOT)) {
      take();
      Token n = expect(Kind.IDENT, "a field name after '.'");
      names.add(n.text());
      offsets.add(n.offset());
    }
    return new Ast.Path(names, keys(), t.offset(), offsets);
  }

  /** All upper case (digits and '_' allowed), with at least one letter: an enum. */
  static boolean isEnumName(String s) {
    boolean letter = false;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        letter = true;
      } else if (!(c == '_' || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return letter && s.length() > 1;
  }

  private List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    while (peek().is(Kind.LBRACK)) {
      Token open = take();
      Token k = peek();
      if (k.is(Kind.STRING)) {
        take();
        keys.add(new Key(k.text(), open.offset()));
      } else if (k.is(Kind.INT)) {
        take();
        try {
          keys.add(new Key(Long.parseLong(k.text()), open.offset()));
        } catch (NumberFormatException e) {
          throw error(k, "index out of range: " + k.text());
        }
      } else {
        throw error(k, "expected a string key or an integer index, got " + k.describe());
      }
      expect(Kind.RBRACK, "']'");
    }
    return keys;
  }

  private Call call(Token name) {
    take(); // (
    List<Arg> args = new ArrayList<>();
    if (!peek().is(Kind.RPAREN)) {
      do {
        args.add(arg());
      } while (accept(Kind.COMMA));
    }
    Token close = expect(Kind.RPAREN, "',' or ')' after an argument");
    return new Call(name.text(), args, keys(), name.offset(), close.offset());
  }

  private Arg arg() {
    Token t = peek();
    if (t.is(Kind.IDENT) && peek(1).is(Kind.ASSIGN)) {
      take();
      take();
      return new Arg(t.text(), value(), t.offset());
    }
    if (t.is(Kind.IDENT) && (peek(1).is(Kind.COMMA) || peek(1).is(Kind.RPAREN))
        && Character.isUpperCase(t.text().charAt(0)) && !isEnumName(t.text())) {
      throw error(t, "function '" + t.text() + "' passed as a value is not supported yet");
    }
    return new Arg(null, value(), t.offset());
  }
}
