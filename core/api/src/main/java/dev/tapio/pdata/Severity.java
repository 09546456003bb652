package dev.tapio.pdata;

/** OTLP severity numbers with their short names. */
public enum Severity {
  UNSPECIFIED(0), TRACE(1), TRACE2(2), TRACE3(3), TRACE4(4),
  DEBUG(5), DEBUG2(6), DEBUG3(7), DEBUG4(8),
  INFO(9), INFO2(10), INFO3(11), INFO4(12),
  WARN(13), WARN2(14), WARN3(15), WARN4(16),
  ERROR(17), ERROR2(18), ERROR3(19), ERROR4(20),
  FATAL(21), FATAL2(22), FATAL3(23), FATAL4(24);

  private static final Severity[] BY_NUMBER = values();

  private final int number;

  Severity(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** The severity of an OTLP number; numbers outside 0..24 give UNSPECIFIED. */
  public static Severity ofNumber(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNSPECIFIED;
  }

  /** The OTLP enum name, e.g. {@code SEVERITY_NUMBER_INFO}. */
  public String otlpName() {
    return "SEVERITY_NUMBER_" + name();
  }
}
