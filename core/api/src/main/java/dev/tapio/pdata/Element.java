package dev.tapio.pdata;

/** Base of every pdata object: knows the tree it belongs to. */
abstract class Element {
  State state;

  Element(State state) {
    this.state = state;
  }

  final void checkWritable() {
    state.checkWritable();
  }

  /** Attaches this object and everything it contains to another tree (after a move). */
  abstract void bind(State newState);

  /** Clears every field so the object can be reused by {@link PList#appendEmpty()}. */
  abstract void reset();

  /** True when this object's tree has been marked read-only. */
  public final boolean isReadOnly() {
    return state.readOnly;
  }
}
