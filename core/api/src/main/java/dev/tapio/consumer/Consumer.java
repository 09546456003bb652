package dev.tapio.consumer;

/** What every consumer declares about itself. */
public interface Consumer {

  /** Whether this consumer changes the data it is given; decides copying at a fan-out. */
  default Capabilities capabilities() {
    return Capabilities.READS_ONLY;
  }
}
