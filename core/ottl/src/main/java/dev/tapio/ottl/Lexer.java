package dev.tapio.ottl;

import dev.tapio.ottl.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits a statement into tokens; a character that starts no token is an error at its offset. */
final class Lexer {
  private final String text;
  private int pos;

  private Lexer(String text) {
    this.text = text;
  }

  static List<Token> tokens(String text) {
    Lexer lexer = new Lexer(text);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = lexer.next();
      out.add(t);
    } while (!t.is(Kind.EOF));
    return out;
  }

  private OttlException error(int at, String reason) {
    return new OttlException(text, at, reason);
  }

  private Token next() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    int start = pos;
    if (pos >= text.length()) {
      return new Token(Kind.EOF, "", start);
    }
    char c = text.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      return new Token(Kind.IDENT, text.substring(start, pos), start);
    }
    if (c >= '0' && c <= '9') {
      return number(start);
    }
    if (c == '"') {
      return string(start);
    }
    pos++;
    char n = pos < text.length() ? text.charAt(pos) : '\0';
    Kind k = switch (c) {
      case '(' -> Kind.LPAREN;
      case ')' -> Kind.RPAREN;
      case '[' -> Kind.LBRACK;
      case ']' -> Kind.RBRACK;
      case '{' -> Kind.LBRACE;
      case '}' -> Kind.RBRACE;
      case ',' -> Kind.COMMA;
      case '.' -> Kind.DOT;
      case ':' -> Kind.COLON;
      case '+' -> Kind.PLUS;
      case '-' -> Kind.MINUS;
      case '*' -> Kind.STAR;
      case '/' -> Kind.SLASH;
      case '=' -> n == '=' ? Kind.EQ : Kind.ASSIGN;
      case '!' -> {
        if (n != '=') {
          throw error(start, "'!' must be followed by '=' (use 'not' to negate)");
        }
        yield Kind.NE;
      }
      case '<' -> n == '=' ? Kind.LE : Kind.LT;
      case '>' -> n == '=' ? Kind.GE : Kind.GT;
      default -> throw error(start, "unexpected character '" + printable(c) + "'");
    };
    if (k == Kind.EQ || k == Kind.NE || k == Kind.LE || k == Kind.GE) {
      pos++;
    }
    return new Token(k, text.substring(start, pos), start);
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private Token number(int start) {
    if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
      pos += 2;
      int digits = pos;
      while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
        pos++;
      }
      if (pos == digits || (pos - digits) % 2 != 0) {
        throw error(start, "bytes literal needs an even number of hex digits after 0x");
      }
      return new Token(Kind.BYTES, text.substring(digits, pos), start);
    }
    boolean isFloat = false;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      isFloat = true;
      pos++;
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      isFloat = true;
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      int exp = pos;
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
      if (exp == pos) {
        throw error(start, "number has an exponent without digits");
      }
    }
    if (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
      throw error(pos, "unexpected '" + text.charAt(pos) + "' after a number");
    }
    return new Token(isFloat ? Kind.FLOAT : Kind.INT, text.substring(start, pos), start);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Token string(int start) {
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= text.length()) {
        throw error(start, "string is not closed (missing '\"')");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return new Token(Kind.STRING, sb.toString(), start);
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error(start, "string is not closed (missing '\"')");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        default -> {
          // Like the Collector's grammar: other escapes are kept as written, so that a regex
          // such as "\\d" or "\d" reaches the pattern unchanged.
          sb.append('\\').append(e);
        }
      }
    }
  }
}
