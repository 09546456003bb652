package dev.tapio.ottl;

import java.util.List;

/** The parsed form of a statement or condition; each node keeps its offset for errors. */
sealed interface Ast {
  int at();

  /** A value: literal, path, enum, converter call, list, map or arithmetic. */
  sealed interface Value extends Ast {}

  /** A literal: String, Long, Double, Boolean, byte[] or null (nil). */
  record Literal(Object value, int at) implements Value {}

  /** A dotted path with optional keys: {@code resource.attributes["k"]}. */
  record Path(List<String> names, List<Key> keys, int at, List<Integer> nameOffsets)
      implements Value {
    String dotted() {
      return String.join(".", names);
    }
  }

  /** A key: a string or an integer index. */
  record Key(Object value, int at) {}

  /** An upper-case constant such as {@code SEVERITY_NUMBER_INFO}. */
  record Enum(String name, int at) implements Value {}

  /** A function call; converters may be followed by keys. */
  record Call(String name, List<Arg> args, List<Key> keys, int at, int closeAt)
      implements Value {}

  /** An argument, positional ({@code name} null) or named ({@code name = value}). */
  record Arg(String name, Ast value, int at) {}

  record ListValue(List<Value> items, int at) implements Value {}

  record MapValue(List<String> keys, List<Value> values, int at) implements Value {}

  /** Arithmetic: {@code left op right}, op one of + - * /. */
  record Math(Value left, char op, Value right, int at) implements Value {}

  /** A boolean expression. */
  sealed interface Bool extends Ast {}

  record Or(List<Bool> terms, int at) implements Bool {}

  record And(List<Bool> terms, int at) implements Bool {}

  record Not(Bool operand, int at) implements Bool {}

  record Compare(Value left, Op op, Value right, int at) implements Bool {}

  /** A value used as a condition: {@code true}, a converter returning a boolean. */
  record BoolValue(Value value, int at) implements Bool {}

  /** An editor call with an optional where clause. */
  record Statement(Call editor, Bool where, int at) implements Ast {}

  enum Op {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    final String text;

    Op(String text) {
      this.text = text;
    }
  }
}
