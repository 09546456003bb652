package dev.tapio.ottl;

import dev.tapio.ottl.Ast.Op;
import dev.tapio.ottl.Eval.Cond;
import dev.tapio.ottl.Eval.Editor;
import dev.tapio.ottl.Eval.Getter;
import dev.tapio.ottl.Eval.LongGetter;
import dev.tapio.ottl.Eval.PathRef;
import dev.tapio.pdata.AggregationTemporality;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.MetricType;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the parsed form into evaluators for one context; errors carry the node's offset. */
final class Compiler {
  static final Map<String, Long> ENUMS = enums();

  final String text;
  final OttlContext context;

  Compiler(String text, OttlContext context) {
    this.text = text;
    this.context = context;
  }

  OttlException error(int at, String reason) {
    return new OttlException(text, at, reason);
  }

  private static Map<String, Long> enums() {
    Map<String, Long> m = new HashMap<>();
    for (Severity s : Severity.values()) {
      m.put("SEVERITY_NUMBER_" + s.name(), (long) s.number());
    }
    for (SpanKind k : SpanKind.values()) {
      m.put("SPAN_KIND_" + k.name(), (long) k.ordinal());
    }
    for (StatusCode s : StatusCode.values()) {
      m.put("STATUS_CODE_" + s.name(), (long) s.ordinal());
    }
    for (MetricType t : MetricType.values()) {
      m.put("METRIC_DATA_TYPE_" + (t == MetricType.EMPTY ? "NONE" : t.name()),
          (long) t.ordinal());
    }
    for (AggregationTemporality t : AggregationTemporality.values()) {
      m.put("AGGREGATION_TEMPORALITY_" + t.name(), (long) t.ordinal());
    }
    return Map.copyOf(m);
  }

  /** " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "". */
  static String suggest(String name, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best != null && bestDistance <= Math.max(2, name.length() / 3)
        ? " (did you mean '" + best + "'?)" : "";
  }

  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 8) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = Character.toLowerCase(a.charAt(i - 1))
            == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---- values ----

  /** A constant; the compiler reads {@link #value} to specialise comparisons. */
  record Const(Object value) implements Getter {
    @Override
    public Object get(TransformContext c) {
      return value;
    }
  }

  Getter value(Ast.Value v) {
    return switch (v) {
      case Ast.Literal l -> new Const(l.value());
      case Ast.Enum e -> {
        Long n = ENUMS.get(e.name());
        if (n == null) {
          throw error(e.at(), "unknown enum '" + e.name() + "'" + suggest(e.name(),
              ENUMS.keySet()));
        }
        yield new Const(n);
      }
      case Ast.Path p -> path(p).getter();
      case Ast.Call call -> Functions.converter(this, call).getter();
      case Ast.ListValue list -> list(list);
      case Ast.MapValue map -> map(map);
      case Ast.Math m -> math(m);
    };
  }

  PathRef path(Ast.Path p) {
    return Paths.resolve(p, context, this);
  }

  private Getter list(Ast.ListValue list) {
    List<Getter> items = new ArrayList<>();
    boolean constant = true;
    for (Ast.Value v : list.items()) {
      Getter g = value(v);
      constant &= g instanceof Const;
      items.add(g);
    }
    if (constant) {
      List<Object> values = new ArrayList<>();
      for (Getter g : items) {
        values.add(((Const) g).value());
      }
      return new Const(Collections.unmodifiableList(values));
    }
    Getter[] array = items.toArray(Getter[]::new);
    return c -> {
      List<Object> out = new ArrayList<>(array.length);
      for (Getter g : array) {
        out.add(g.get(c));
      }
      return out;
    };
  }

  private Getter map(Ast.MapValue map) {
    String[] keys = map.keys().toArray(String[]::new);
    Getter[] values = map.values().stream().map(this::value).toArray(Getter[]::new);
    return c -> {
      Attributes a = Attributes.create();
      for (int i = 0; i < keys.length; i++) {
        Values.put(a, keys[i], values[i].get(c));
      }
      return Values.any(a);
    };
  }

  private Getter math(Ast.Math m) {
    Getter l = value(m.left());
    Getter r = value(m.right());
    char op = m.op();
    return c -> {
      Object a = l.get(c);
      Object b = r.get(c);
      if (a instanceof Long x && b instanceof Long y) {
        return switch (op) {
          case '+' -> x + y;
          case '-' -> x - y;
          case '*' -> x * y;
          default -> {
            if (y == 0) {
              throw new OttlRuntimeException("division by zero");
            }
            yield x / y;
          }
        };
      }
      if (a instanceof Number x && b instanceof Number y) {
        double p = x.doubleValue();
        double q = y.doubleValue();
        return switch (op) {
          case '+' -> p + q;
          case '-' -> p - q;
          case '*' -> p * q;
          default -> p / q;
        };
      }
      throw new OttlRuntimeException("'" + op + "' needs two numbers, got " + Values.typeName(a)
          + " and " + Values.typeName(b));
    };
  }

  // ---- conditions ----

  Cond bool(Ast.Bool b) {
    return switch (b) {
      case Ast.Or or -> {
        Cond[] terms = or.terms().stream().map(this::bool).toArray(Cond[]::new);
        yield c -> {
          for (Cond t : terms) {
            if (t.test(c)) {
              return true;
            }
          }
          return false;
        };
      }
      case Ast.And and -> {
        Cond[] terms = and.terms().stream().map(this::bool).toArray(Cond[]::new);
        yield c -> {
          for (Cond t : terms) {
            if (!t.test(c)) {
              return false;
            }
          }
          return true;
        };
      }
      case Ast.Not not -> {
        Cond operand = bool(not.operand());
        yield c -> !operand.test(c);
      }
      case Ast.Compare cmp -> compare(cmp);
      case Ast.BoolValue bv -> boolValue(bv);
    };
  }

  private Cond boolValue(Ast.BoolValue bv) {
    Ast.Value v = bv.value();
    if (v instanceof Ast.Literal l && l.value() instanceof Boolean b) {
      boolean constant = b;
      return c -> constant;
    }
    if (v instanceof Ast.Call call && !Functions.isConverter(call.name())) {
      value(v); // reports an unknown function, or an editor used as a value
    }
    if (!(v instanceof Ast.Call call) || !Functions.isConverter(call.name())) {
      throw error(bv.at(), "a condition needs a comparison (==, !=, <, <=, >, >=), true/false"
          + " or a function returning a boolean such as IsMatch(...)");
    }
    Getter g = value(v);
    String name = call.name();
    return c -> {
      Object r = g.get(c);
      if (r instanceof Boolean x) {
        return x;
      }
      throw new OttlRuntimeException(name + " did not return a boolean but "
          + Values.typeName(r));
    };
  }

  private Cond compare(Ast.Compare cmp) {
    Getter l = value(cmp.left());
    Getter r = value(cmp.right());
    Op op = cmp.op();
    if (l instanceof Const && !(r instanceof Const)) {
      // Normalise "literal op value" to "value op' literal" for the specialisations below.
      Getter t = l;
      l = r;
      r = t;
      op = switch (op) {
        case LT -> Op.GT;
        case LE -> Op.GE;
        case GT -> Op.LT;
        case GE -> Op.LE;
        default -> op;
      };
    }
    if (r instanceof Const k) {
      Object literal = k.value();
      if (l instanceof Paths.AttributeKey key) {
        return attributeCompare(key, op, literal);
      }
      if (l instanceof LongGetter lg && literal instanceof Long n) {
        long value = n;
        Op o = op;
        return c -> Values.ordered(Long.compare(lg.getLong(c), value), o);
      }
      if (literal instanceof String s && (op == Op.EQ || op == Op.NE)) {
        Getter left = l;
        boolean eq = op == Op.EQ;
        return c -> {
          Object v = left.get(c);
          return v instanceof String str ? str.equals(s) == eq : Values.compare(v, eqOp(eq), s);
        };
      }
    }
    Getter left = l;
    Getter right = r;
    Op o = op;
    return c -> Values.compare(left.get(c), o, right.get(c));
  }

  private static Op eqOp(boolean eq) {
    return eq ? Op.EQ : Op.NE;
  }

  /** {@code attributes["k"] op literal}, read from the attribute list without boxing. */
  private static Cond attributeCompare(Paths.AttributeKey key, Op op, Object literal) {
    String k = key.key;
    var of = key.of;
    if (literal instanceof String s) {
      return c -> {
        Attributes a = of.apply(c);
        int i = a.indexOf(k);
        if (i >= 0 && a.type(i) == ValueType.STRING) {
          return Values.ordered(a.stringAt(i).compareTo(s), op);
        }
        return Values.compare(i < 0 ? null : Values.at(a, i), op, s);
      };
    }
    if (literal instanceof Long n) {
      long value = n;
      return c -> {
        Attributes a = of.apply(c);
        int i = a.indexOf(k);
        if (i >= 0 && a.type(i) == ValueType.LONG) {
          return Values.ordered(Long.compare(a.longAt(i), value), op);
        }
        return Values.compare(i < 0 ? null : Values.at(a, i), op, n);
      };
    }
    return c -> {
      Attributes a = of.apply(c);
      int i = a.indexOf(k);
      return Values.compare(i < 0 ? null : Values.at(a, i), op, literal);
    };
  }

  // ---- statements ----

  Editor statement(Ast.Statement s) {
    Editor editor = Functions.editor(this, s.editor());
    if (s.where() == null) {
      return editor;
    }
    Cond where = bool(s.where());
    return c -> {
      if (where.test(c)) {
        editor.apply(c);
      }
    };
  }
}
