package dev.tapio.engine.config;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A parser, between snakeyaml's parser and its composer, that counts how many values the
 * aliases of the document stand for and stops at the alias that takes the count past a budget.
 * The composer shares an anchored node between its aliases, so composing is cheap; the tree
 * Tapio converts it to copies it once per alias, so {@code &a [x, x]}, {@code &b [*a, *a]},
 * {@code &c [*b, *b]} … (the "billion laughs") doubles per line: 24 lines exhaust a 512 MiB
 * heap. snakeyaml's own guard counts aliases to collections, which bounds none of this and
 * says neither where nor why; this one names the alias.
 *
 * <p>Each value counts 1 and a collection 1 plus its contents, as the converted tree will hold
 * them; merge keys ({@code <<: *a}) count as any alias, which may overcount what the merge
 * keeps. The count is linear in the events, with one number per anchor and per open
 * collection (their depth is bounded by {@link DepthScan} before parsing).
 *
 * <p>Also remembers the last event read, so that a failure the composer reports without a
 * position can be placed where parsing stopped. Not thread-safe; one per parse.
 */
final class AliasBudget implements Parser {

  /** Thrown from {@link #next()} at the alias that spends the budget. */
  static final class Exceeded extends RuntimeException {
    private final transient Mark mark;

    Exceeded(Mark mark) {
      super(null, null, false, false); // control flow: no stack trace
      this.mark = mark;
    }

    /** Where the alias starts; empty if the parser keeps no marks. */
    Optional<Mark> mark() {
      return Optional.ofNullable(mark);
    }
  }

  /** A collection whose end has not been read yet. */
  private static final class Open {
    final Anchor anchor; // null when it has none
    long values = 1; // itself

    Open(Anchor anchor) {
      this.anchor = anchor;
    }
  }

  private final Parser parser;
  private final long budget;
  /** The values each anchor stands for; an open collection's anchor stands for 1 so far. */
  private final Map<Anchor, Long> sizes = new HashMap<>();
  /** The collections being read, innermost last. */
  private final ArrayDeque<Open> open = new ArrayDeque<>();
  private long spent;
  private Optional<Mark> lastMark = Optional.empty();

  /** @param budget how many values all the aliases together may stand for */
  AliasBudget(Parser parser, long budget) {
    this.parser = parser;
    this.budget = budget;
  }

  /** Where the last event read starts; empty before the first. */
  Optional<Mark> lastMark() {
    return lastMark;
  }

  @Override
  public Event next() {
    Event event = parser.next();
    lastMark = event.getStartMark();
    switch (event) {
      case ScalarEvent scalar -> {
        scalar.getAnchor().ifPresent(a -> sizes.put(a, 1L));
        add(1);
      }
      case CollectionStartEvent start -> {
        // An alias inside its own anchor is a cycle, refused after composing; it counts 1.
        start.getAnchor().ifPresent(a -> sizes.put(a, 1L));
        open.addLast(new Open(start.getAnchor().orElse(null)));
      }
      case AliasEvent alias -> {
        long size = sizes.getOrDefault(alias.getAlias(), 1L);
        spent += size;
        if (spent > budget) {
          throw new Exceeded(event.getStartMark().orElse(null));
        }
        add(size);
      }
      case CollectionEndEvent _ when !open.isEmpty() -> {
        Open done = open.removeLast();
        if (done.anchor != null) {
          sizes.put(done.anchor, done.values);
        }
        add(done.values);
      }
      default -> {} // documents, the stream, comments: no values
    }
    return event;
  }

  private void add(long values) {
    if (!open.isEmpty()) {
      open.peekLast().values += values;
    }
  }

  @Override
  public boolean checkEvent(Event.ID choice) {
    return parser.checkEvent(choice);
  }

  @Override
  public Event peekEvent() {
    return parser.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return parser.hasNext();
  }
}
