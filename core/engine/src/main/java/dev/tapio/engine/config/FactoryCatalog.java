package dev.tapio.engine.config;

import dev.tapio.component.ComponentFactory;
import dev.tapio.component.ExporterFactory;
import dev.tapio.component.ExtensionFactory;
import dev.tapio.component.Kind;
import dev.tapio.component.ProcessorFactory;
import dev.tapio.component.ReceiverFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@link ComponentCatalog#of(Collection)}. Immutable after construction, so thread-safe. */
final class FactoryCatalog implements ComponentCatalog {

  private final Map<Kind, Map<String, ComponentFactory<?>>> byKind = new EnumMap<>(Kind.class);

  FactoryCatalog(Collection<? extends ComponentFactory<?>> factories) {
    for (Kind kind : Kind.values()) {
      byKind.put(kind, new TreeMap<>());
    }
    for (ComponentFactory<?> factory : factories) {
      Kind kind = kindOf(factory);
      for (String name : names(factory)) {
        ComponentFactory<?> previous = byKind.get(kind).putIfAbsent(name, factory);
        if (previous != null) {
          throw new IllegalArgumentException("two " + kind.singular() + " factories for type '"
              + name + "': " + previous.getClass().getName() + " and "
              + factory.getClass().getName());
        }
      }
    }
  }

  /** The factory's type and its aliases. */
  static java.util.List<String> names(ComponentFactory<?> factory) {
    java.util.List<String> names = new java.util.ArrayList<>();
    names.add(factory.type());
    names.addAll(new TreeSet<>(factory.aliases()));
    return names;
  }

  /** The kind the factory's interface makes it; throws IllegalArgumentException for none. */
  static Kind kindOf(ComponentFactory<?> factory) {
    return switch (factory) {
      case ReceiverFactory<?> _ -> Kind.RECEIVER;
      case ProcessorFactory<?> _ -> Kind.PROCESSOR;
      case ExporterFactory<?> _ -> Kind.EXPORTER;
      case ExtensionFactory<?> _ -> Kind.EXTENSION;
      default -> throw new IllegalArgumentException(factory.getClass().getName()
          + " implements none of ReceiverFactory, ProcessorFactory, ExporterFactory,"
          + " ExtensionFactory");
    };
  }

  @Override
  public ComponentFactory<?> find(Kind kind, String type) {
    return byKind.get(kind).get(type);
  }

  @Override
  public SortedSet<String> types(Kind kind) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byKind.get(kind).keySet()));
  }
}
