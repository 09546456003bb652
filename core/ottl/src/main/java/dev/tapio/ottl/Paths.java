package dev.tapio.ottl;

import dev.tapio.ottl.Eval.Getter;
import dev.tapio.ottl.Eval.LongGetter;
import dev.tapio.ottl.Eval.MapTarget;
import dev.tapio.ottl.Eval.PathRef;
import dev.tapio.ottl.Eval.Setter;
import dev.tapio.pdata.AnyValue;
import dev.tapio.pdata.Attributes;
import dev.tapio.pdata.ExponentialHistogramDataPoint;
import dev.tapio.pdata.HistogramDataPoint;
import dev.tapio.pdata.NumberDataPoint;
import dev.tapio.pdata.Severity;
import dev.tapio.pdata.SpanKind;
import dev.tapio.pdata.StatusCode;
import dev.tapio.pdata.SummaryDataPoint;
import dev.tapio.pdata.ValueType;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Resolves a path to accessors once, at compile time: {@code attributes["k"]} in the log
 * context becomes an object that reads key "k" of the current record's attributes, with no
 * lookup by name at run time.
 */
final class Paths {
  private Paths() {}

  /** The fields of each level, for "did you mean" and the documentation. */
  static final List<String> RESOURCE_FIELDS = List.of("attributes", "dropped_attributes_count");
  static final List<String> SCOPE_FIELDS =
      List.of("name", "version", "attributes", "dropped_attributes_count");
  static final List<String> LOG_FIELDS = List.of("body", "body.string", "attributes",
      "severity_number", "severity_text", "event_name", "time_unix_nano",
      "observed_time_unix_nano", "trace_id", "trace_id.string", "span_id", "span_id.string",
      "flags", "dropped_attributes_count");
  static final List<String> SPAN_FIELDS = List.of("name", "kind", "attributes", "status.code",
      "status.message", "trace_id", "trace_id.string", "span_id", "span_id.string",
      "parent_span_id", "parent_span_id.string", "trace_state", "start_time_unix_nano",
      "end_time_unix_nano", "flags", "dropped_attributes_count", "dropped_events_count",
      "dropped_links_count");
  static final List<String> SPANEVENT_FIELDS =
      List.of("name", "time_unix_nano", "attributes", "dropped_attributes_count");
  static final List<String> METRIC_FIELDS = List.of("name", "description", "unit", "type",
      "aggregation_temporality", "is_monotonic");
  static final List<String> DATAPOINT_FIELDS = List.of("attributes", "value_int",
      "value_double", "start_time_unix_nano", "time_unix_nano", "flags", "count", "sum");

  static PathRef resolve(Ast.Path p, OttlContext ctx, Compiler compiler) {
    List<String> names = p.names();
    String first = names.getFirst();
    int skip = 0;
    OttlContext level = ctx;
    if (first.equals("cache")) {
      if (names.size() > 1) {
        throw compiler.error(p.nameOffsets().get(1), "'cache' has no fields: use cache[\"key\"]");
      }
      PathRef base = attributesRef("cache", TransformContext::cache);
      return withKeys(base, p, compiler);
    }
    if (first.equals("resource")) {
      level = OttlContext.RESOURCE;
      skip = 1;
    } else if ((first.equals("instrumentation_scope") || first.equals("scope"))
        && ctx != OttlContext.RESOURCE) {
      level = OttlContext.SCOPE;
      skip = 1;
    } else if (first.equals(ctx.otelName()) && ctx != OttlContext.RESOURCE) {
      skip = 1;
    } else if (ctx == OttlContext.SPANEVENT && first.equals("span")) {
      level = OttlContext.SPAN;
      skip = 1;
    } else if (ctx == OttlContext.DATAPOINT && first.equals("metric")) {
      level = OttlContext.METRIC;
      skip = 1;
    }
    if (skip == names.size()) {
      throw compiler.error(p.at(), "'" + first + "' needs a field, e.g. " + first + "."
          + fields(level).getFirst() + "; fields: " + String.join(", ", fields(level)));
    }
    String field = String.join(".", names.subList(skip, names.size()));
    PathRef base = field(level, field);
    if (base == null) {
      int at = p.nameOffsets().get(skip);
      String where = level == ctx ? "the " + ctx.otelName() + " context"
          : "'" + first + "' in the " + ctx.otelName() + " context";
      String hint = Compiler.suggest(field, fields(level));
      throw compiler.error(at, "unknown path '" + p.dotted() + "' for " + where + hint
          + "; fields: " + String.join(", ", fields(level))
          + ancestry(ctx));
    }
    return withKeys(base, p, compiler);
  }

  private static String ancestry(OttlContext ctx) {
    return switch (ctx) {
      case RESOURCE -> "";
      case SCOPE -> " (and resource.*)";
      case SPANEVENT -> " (and span.*, instrumentation_scope.*, resource.*)";
      case DATAPOINT -> " (and metric.*, instrumentation_scope.*, resource.*)";
      default -> " (and instrumentation_scope.*, resource.*)";
    };
  }

  static List<String> fields(OttlContext level) {
    return switch (level) {
      case RESOURCE -> RESOURCE_FIELDS;
      case SCOPE -> SCOPE_FIELDS;
      case LOG -> LOG_FIELDS;
      case SPAN -> SPAN_FIELDS;
      case SPANEVENT -> SPANEVENT_FIELDS;
      case METRIC -> METRIC_FIELDS;
      case DATAPOINT -> DATAPOINT_FIELDS;
    };
  }

  private static PathRef withKeys(PathRef base, Ast.Path p, Compiler compiler) {
    return applyKeys(base, p.keys(), compiler);
  }

  /** Indexes a path or converter result by its keys: {@code attributes["k"]}, {@code x[0]}. */
  static PathRef applyKeys(PathRef base, List<Ast.Key> keys, Compiler compiler) {
    if (keys.isEmpty()) {
      return base;
    }
    PathRef ref = base;
    int k = 0;
    Ast.Key firstKey = keys.getFirst();
    if (base.map() != null && base.getter() instanceof AttributesGetter attrs
        && firstKey.value() instanceof String key) {
      ref = attributeKey(base.text(), attrs.of, key);
      k = 1;
    }
    for (; k < keys.size(); k++) {
      Ast.Key key = keys.get(k);
      Getter parent = ref.getter();
      Object index = key.value();
      Getter g = c -> index(parent.get(c), index);
      String text = ref.text() + "[" + (index instanceof String s ? "\"" + s + "\"" : index)
          + "]";
      ref = new PathRef(text, g, null, valueMap(g, null));
    }
    return ref;
  }

  private static Object index(Object v, Object key) {
    if (key instanceof String s) {
      if (v instanceof Attributes a) {
        int i = a.indexOf(s);
        return i < 0 ? null : Values.at(a, i);
      }
      if (v instanceof AnyValue any && any.type() == ValueType.MAP) {
        return Values.of(any.asMap().get(s));
      }
      return null;
    }
    long i = (Long) key;
    List<?> list = v instanceof AnyValue any && any.type() == ValueType.ARRAY ? any.asArray()
        : v instanceof List<?> l ? l : null;
    if (list == null || i < 0 || i >= list.size()) {
      return null;
    }
    Object item = list.get((int) i);
    return item instanceof AnyValue a ? Values.of(a) : item;
  }

  /** The attribute list of a level, read from the context. */
  static final class AttributesGetter implements Getter {
    final Function<TransformContext, Attributes> of;

    AttributesGetter(Function<TransformContext, Attributes> of) {
      this.of = of;
    }

    @Override
    public Object get(TransformContext c) {
      return of.apply(c);
    }
  }

  /** {@code attributes["key"]}: the compiler reads its fields to compare without boxing. */
  static final class AttributeKey implements Getter {
    final Function<TransformContext, Attributes> of;
    final String key;

    AttributeKey(Function<TransformContext, Attributes> of, String key) {
      this.of = of;
      this.key = key;
    }

    @Override
    public Object get(TransformContext c) {
      Attributes a = of.apply(c);
      int i = a.indexOf(key);
      return i < 0 ? null : Values.at(a, i);
    }
  }

  private static PathRef attributesRef(String text, Function<TransformContext, Attributes> of) {
    Setter set = (c, v) -> {
      Attributes a = of.apply(c);
      if (v == a) {
        return;
      }
      if (!Values.isMap(v)) {
        throw new OttlRuntimeException(text + " takes a map, got " + Values.typeName(v));
      }
      Attributes copy = Attributes.create();
      Values.copyMap(v, copy);
      a.clear();
      Values.copyMap(copy, a);
    };
    MapTarget map = new MapTarget() {
      @Override
      public Attributes open(TransformContext c) {
        return of.apply(c);
      }

      @Override
      public void close(TransformContext c, Attributes edited) {}
    };
    return new PathRef(text, new AttributesGetter(of), set, map);
  }

  private static PathRef attributeKey(String base, Function<TransformContext, Attributes> of,
      String key) {
    AttributeKey g = new AttributeKey(of, key);
    Setter set = (c, v) -> Values.put(of.apply(c), key, v);
    return new PathRef(base + "[\"" + key + "\"]", g, set, valueMap(g, set));
  }

  /** A map editor target over a value that may hold a map (a body, a map attribute). */
  static MapTarget valueMap(Getter g, Setter set) {
    return new MapTarget() {
      @Override
      public Attributes open(TransformContext c) {
        Object v = g.get(c);
        if (v instanceof Attributes a) {
          return a;
        }
        if (!(v instanceof AnyValue any) || any.type() != ValueType.MAP) {
          return null;
        }
        Attributes copy = Attributes.create();
        Values.copyMap(any, copy);
        return copy;
      }

      @Override
      public void close(TransformContext c, Attributes edited) {
        if (set == null) {
          throw new OttlRuntimeException("this path cannot be changed (nested keys are read-only"
              + " in this version)");
        }
        if (!(g.get(c) instanceof Attributes)) {
          set.set(c, Values.any(edited));
        }
      }
    };
  }

  private static PathRef ref(String text, Getter g, Setter s) {
    return new PathRef(text, g, s, valueMap(g, s));
  }

  private static PathRef field(OttlContext level, String field) {
    return switch (level) {
      case RESOURCE -> switch (field) {
        case "attributes" -> attributesRef("resource.attributes", c -> c.resource.attributes());
        case "dropped_attributes_count" -> ref(field,
            (LongGetter) c -> c.resource.droppedAttributesCount(),
            (c, v) -> c.resource.setDroppedAttributesCount((int) longValue(field, v)));
        default -> null;
      };
      case SCOPE -> switch (field) {
        case "attributes" ->
            attributesRef("instrumentation_scope.attributes", c -> c.scope.attributes());
        case "name" -> ref(field, c -> c.scope.name(),
            (c, v) -> c.scope.setName(string(field, v)));
        case "version" -> ref(field, c -> c.scope.version(),
            (c, v) -> c.scope.setVersion(string(field, v)));
        case "dropped_attributes_count" -> ref(field,
            (LongGetter) c -> c.scope.droppedAttributesCount(),
            (c, v) -> c.scope.setDroppedAttributesCount((int) longValue(field, v)));
        default -> null;
      };
      case LOG -> logField(field);
      case SPAN -> spanField(field);
      case SPANEVENT -> switch (field) {
        case "attributes" -> attributesRef("attributes", c -> c.event.attributes());
        case "name" -> ref(field, c -> c.event.name(),
            (c, v) -> c.event.setName(string(field, v)));
        case "time_unix_nano" -> ref(field, (LongGetter) c -> c.event.timeUnixNano(),
            (c, v) -> c.event.setTimeUnixNano(longValue(field, v)));
        case "dropped_attributes_count" -> ref(field,
            (LongGetter) c -> c.event.droppedAttributesCount(),
            (c, v) -> c.event.setDroppedAttributesCount((int) longValue(field, v)));
        default -> null;
      };
      case METRIC -> switch (field) {
        case "name" -> ref(field, c -> c.metric.name(),
            (c, v) -> c.metric.setName(string(field, v)));
        case "description" -> ref(field, c -> c.metric.description(),
            (c, v) -> c.metric.setDescription(string(field, v)));
        case "unit" -> ref(field, c -> c.metric.unit(),
            (c, v) -> c.metric.setUnit(string(field, v)));
        case "type" -> ref(field, (LongGetter) c -> c.metric.type().ordinal(), null);
        case "aggregation_temporality" ->
            ref(field, (LongGetter) c -> c.metric.temporality().ordinal(), null);
        case "is_monotonic" -> ref(field, c -> c.metric.isMonotonic(), null);
        default -> null;
      };
      case DATAPOINT -> pointField(field);
    };
  }

  private static PathRef logField(String field) {
    return switch (field) {
      case "attributes" -> attributesRef("attributes", c -> c.log.attributes());
      case "body" -> ref(field, c -> bodyValue(c), (c, v) -> {
        if (v instanceof String s) {
          c.log.setBody(s);
        } else {
          c.log.setBody(Values.any(v));
        }
      });
      case "body.string" -> ref(field, c -> {
        String s = c.log.bodyString();
        return s != null ? s : Values.text(bodyValue(c));
      }, (c, v) -> c.log.setBody(string(field, v)));
      case "severity_number" -> ref(field, (LongGetter) c -> c.log.severity().number(),
          (c, v) -> {
            long n = longValue(field, v);
            if (n < 0 || n > 24) {
              throw new OttlRuntimeException("severity_number must be 0..24, got " + n);
            }
            c.log.setSeverity(Severity.ofNumber((int) n));
          });
      case "severity_text" -> ref(field, c -> c.log.severityText(),
          (c, v) -> c.log.setSeverityText(string(field, v)));
      case "event_name" -> ref(field, c -> c.log.eventName(),
          (c, v) -> c.log.setEventName(string(field, v)));
      case "time_unix_nano" -> ref(field, (LongGetter) c -> c.log.timeUnixNano(),
          (c, v) -> c.log.setTimeUnixNano(longValue(field, v)));
      case "observed_time_unix_nano" -> ref(field,
          (LongGetter) c -> c.log.observedTimeUnixNano(),
          (c, v) -> c.log.setObservedTimeUnixNano(longValue(field, v)));
      case "trace_id" -> ref(field, c -> c.log.traceId(),
          (c, v) -> c.log.setTraceId(id(field, v, 16)));
      case "trace_id.string" -> ref(field, c -> hex(c.log.traceId()),
          (c, v) -> c.log.setTraceId(hexId(field, v, 16)));
      case "span_id" -> ref(field, c -> c.log.spanId(),
          (c, v) -> c.log.setSpanId(id(field, v, 8)));
      case "span_id.string" -> ref(field, c -> hex(c.log.spanId()),
          (c, v) -> c.log.setSpanId(hexId(field, v, 8)));
      case "flags" -> ref(field, (LongGetter) c -> c.log.flags(),
          (c, v) -> c.log.setFlags((int) longValue(field, v)));
      case "dropped_attributes_count" -> ref(field,
          (LongGetter) c -> c.log.droppedAttributesCount(),
          (c, v) -> c.log.setDroppedAttributesCount((int) longValue(field, v)));
      default -> null;
    };
  }

  private static Object bodyValue(TransformContext c) {
    String s = c.log.bodyString();
    return s != null ? s : Values.of(c.log.body());
  }

  private static PathRef spanField(String field) {
    return switch (field) {
      case "attributes" -> attributesRef("attributes", c -> c.span.attributes());
      case "name" -> ref(field, c -> c.span.name(), (c, v) -> c.span.setName(string(field, v)));
      case "kind" -> ref(field, (LongGetter) c -> c.span.kind().ordinal(), (c, v) -> {
        long n = longValue(field, v);
        if (n < 0 || n >= SpanKind.values().length) {
          throw new OttlRuntimeException("kind must be 0.." + (SpanKind.values().length - 1));
        }
        c.span.setKind(SpanKind.values()[(int) n]);
      });
      case "status.code" -> ref(field, (LongGetter) c -> c.span.statusCode().ordinal(),
          (c, v) -> {
            long n = longValue(field, v);
            if (n < 0 || n >= StatusCode.values().length) {
              throw new OttlRuntimeException("status.code must be 0..2, got " + n);
            }
            c.span.setStatus(StatusCode.values()[(int) n], c.span.statusMessage());
          });
      case "status.message" -> ref(field, c -> c.span.statusMessage(),
          (c, v) -> c.span.setStatus(c.span.statusCode(), string(field, v)));
      case "trace_id" -> ref(field, c -> c.span.traceId(),
          (c, v) -> c.span.setTraceId(id(field, v, 16)));
      case "trace_id.string" -> ref(field, c -> hex(c.span.traceId()),
          (c, v) -> c.span.setTraceId(hexId(field, v, 16)));
      case "span_id" -> ref(field, c -> c.span.spanId(),
          (c, v) -> c.span.setSpanId(id(field, v, 8)));
      case "span_id.string" -> ref(field, c -> hex(c.span.spanId()),
          (c, v) -> c.span.setSpanId(hexId(field, v, 8)));
      case "parent_span_id" -> ref(field, c -> c.span.parentSpanId(),
          (c, v) -> c.span.setParentSpanId(id(field, v, 8)));
      case "parent_span_id.string" -> ref(field, c -> hex(c.span.parentSpanId()),
          (c, v) -> c.span.setParentSpanId(hexId(field, v, 8)));
      case "trace_state" -> ref(field, c -> c.span.traceState(),
          (c, v) -> c.span.setTraceState(string(field, v)));
      case "start_time_unix_nano" -> ref(field, (LongGetter) c -> c.span.startTimeUnixNano(),
          (c, v) -> c.span.setStartTimeUnixNano(longValue(field, v)));
      case "end_time_unix_nano" -> ref(field, (LongGetter) c -> c.span.endTimeUnixNano(),
          (c, v) -> c.span.setEndTimeUnixNano(longValue(field, v)));
      case "flags" -> ref(field, (LongGetter) c -> c.span.flags(),
          (c, v) -> c.span.setFlags((int) longValue(field, v)));
      case "dropped_attributes_count" -> ref(field,
          (LongGetter) c -> c.span.droppedAttributesCount(),
          (c, v) -> c.span.setDroppedAttributesCount((int) longValue(field, v)));
      case "dropped_events_count" -> ref(field, (LongGetter) c -> c.span.droppedEventsCount(),
          (c, v) -> c.span.setDroppedEventsCount((int) longValue(field, v)));
      case "dropped_links_count" -> ref(field, (LongGetter) c -> c.span.droppedLinksCount(),
          (c, v) -> c.span.setDroppedLinksCount((int) longValue(field, v)));
      default -> null;
    };
  }

  private static PathRef pointField(String field) {
    return switch (field) {
      case "attributes" -> attributesRef("attributes", c -> c.point.attributes());
      case "start_time_unix_nano" -> ref(field, (LongGetter) c -> c.point.startTimeUnixNano(),
          (c, v) -> c.point.setStartTimeUnixNano(longValue(field, v)));
      case "time_unix_nano" -> ref(field, (LongGetter) c -> c.point.timeUnixNano(),
          (c, v) -> c.point.setTimeUnixNano(longValue(field, v)));
      case "flags" -> ref(field, (LongGetter) c -> c.point.flags(),
          (c, v) -> c.point.setFlags((int) longValue(field, v)));
      case "value_int" -> ref(field,
          c -> c.point instanceof NumberDataPoint n && !n.isDouble() ? (Object) n.longValue()
              : null,
          (c, v) -> {
            if (c.point instanceof NumberDataPoint n) {
              n.setLongValue(longValue(field, v));
            }
          });
      case "value_double" -> ref(field,
          c -> c.point instanceof NumberDataPoint n && n.isDouble() ? (Object) n.doubleValue()
              : null,
          (c, v) -> {
            if (c.point instanceof NumberDataPoint n) {
              n.setDoubleValue(doubleValue(field, v));
            }
          });
      case "count" -> ref(field, c -> switch (c.point) {
        case HistogramDataPoint h -> (Object) h.count();
        case ExponentialHistogramDataPoint h -> (Object) h.count();
        case SummaryDataPoint s -> (Object) s.count();
        default -> null;
      }, null);
      case "sum" -> ref(field, c -> switch (c.point) {
        case HistogramDataPoint h -> (Object) h.sum();
        case ExponentialHistogramDataPoint h -> (Object) h.sum();
        case SummaryDataPoint s -> (Object) s.sum();
        default -> null;
      }, null);
      default -> null;
    };
  }

  private static String hex(byte[] id) {
    return id == null ? "" : HexFormat.of().formatHex(id);
  }

  static String string(String field, Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw new OttlRuntimeException(field + " takes a string, got " + Values.typeName(v));
  }

  static long longValue(String field, Object v) {
    if (v instanceof Long l) {
      return l;
    }
    throw new OttlRuntimeException(field + " takes an int, got " + Values.typeName(v));
  }

  static double doubleValue(String field, Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw new OttlRuntimeException(field + " takes a float, got " + Values.typeName(v));
  }

  private static byte[] id(String field, Object v, int length) {
    if (v instanceof byte[] b && b.length == length) {
      return b;
    }
    throw new OttlRuntimeException(field + " takes " + length + " bytes, got "
        + Values.typeName(v));
  }

  private static byte[] hexId(String field, Object v, int length) {
    String s = string(field, v);
    try {
      byte[] b = HexFormat.of().parseHex(s);
      if (b.length == length) {
        return b;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new OttlRuntimeException(field + " takes " + (2 * length) + " hex digits, got '" + s
        + "'");
  }
}
