package dev.tapio.pdata;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An ordered list of pdata objects that creates its own elements ({@link #appendEmpty()}), as
 * the Collector's slices do. {@link #clear()} keeps the elements so that a reused tree does not
 * allocate again. Not thread-safe.
 *
 * @param <E> the element type
 */
public final class PList<E extends Element> implements Iterable<E> {
  private State state;
  private final Function<State, E> factory;
  private Object[] items = new Object[0];
  private int size;

  PList(State state, Function<State, E> factory) {
    this.state = state;
    this.factory = factory;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  public E get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + ", size " + size);
    }
    return (E) items[index];
  }

  /** Appends a new empty element and returns it for filling in. */
  @SuppressWarnings("unchecked")
  public E appendEmpty() {
    state.checkWritable();
    ensureCapacity(size + 1);
    E e = (E) items[size];
    if (e == null) {
      e = factory.apply(state);
      items[size] = e;
    } else {
      e.reset();
    }
    size++;
    return e;
  }

  public void ensureCapacity(int capacity) {
    if (capacity > items.length) {
      items = Arrays.copyOf(items, Math.max(capacity, Math.max(4, items.length * 2)));
    }
  }

  /** Removes every element; their objects are kept for reuse by {@link #appendEmpty()}. */
  public void clear() {
    state.checkWritable();
    size = 0;
  }

  /** Removes the elements matching the predicate, keeping the order of the rest. */
  public void removeIf(Predicate<? super E> predicate) {
    state.checkWritable();
    int kept = 0;
    for (int i = 0; i < size; i++) {
      @SuppressWarnings("unchecked")
      E e = (E) items[i];
      if (!predicate.test(e)) {
        items[kept++] = e;
      }
    }
    Arrays.fill(items, kept, size, null);
    size = kept;
  }

  /** Moves every element to the end of {@code dest}, leaving this list empty. */
  public void moveAllTo(PList<E> dest) {
    moveFirstTo(size, dest);
  }

  /** Moves the first {@code count} elements to the end of {@code dest}. */
  public void moveFirstTo(int count, PList<E> dest) {
    if (count < 0 || count > size) {
      throw new IndexOutOfBoundsException("count " + count + ", size " + size);
    }
    state.checkWritable();
    dest.state.checkWritable();
    if (dest == this || count == 0) {
      return;
    }
    dest.ensureCapacity(dest.size + count);
    for (int i = 0; i < count; i++) {
      @SuppressWarnings("unchecked")
      E e = (E) items[i];
      if (dest.state != state) {
        e.bind(dest.state);
      }
      // The destination may keep spare objects beyond its size; they are overwritten here.
      dest.items[dest.size++] = e;
    }
    System.arraycopy(items, count, items, 0, size - count);
    Arrays.fill(items, size - count, size, null);
    size -= count;
  }

  void bind(State newState) {
    state = newState;
    for (int i = 0; i < size; i++) {
      ((Element) items[i]).bind(newState);
    }
  }

  @Override
  public Iterator<E> iterator() {
    return new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public E next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return get(next++);
      }
    };
  }

  /** Copies {@code from}'s elements into this list, replacing its content. */
  <F extends E> void copyFrom(PList<F> from, Copier<E> copier) {
    clear();
    ensureCapacity(from.size);
    for (int i = 0; i < from.size; i++) {
      copier.copy(from.get(i), appendEmpty());
    }
  }

  @FunctionalInterface
  interface Copier<E> {
    void copy(E from, E to);
  }
}
