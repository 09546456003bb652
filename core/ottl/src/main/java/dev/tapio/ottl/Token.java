package dev.tapio.ottl;

/** One token of a statement, with its offset in the text. */
record Token(Kind kind, String text, int offset) {
  enum Kind {
    IDENT, STRING, INT, FLOAT, BYTES,
    LPAREN, RPAREN, LBRACK, RBRACK, LBRACE, RBRACE, COMMA, DOT, COLON, ASSIGN,
    EQ, NE, LT, LE, GT, GE, PLUS, MINUS, STAR, SLASH, EOF
  }

  boolean is(Kind k) {
    return kind == k;
  }

  boolean isWord(String word) {
    return kind == Kind.IDENT && text.equals(word);
  }

  String describe() {
    return switch (kind) {
      case EOF -> "the end of the statement";
      case STRING -> "string \"" + text + "\"";
      default -> "'" + text + "'";
    };
  }
}
