package dev.tapio.pdata;

/**
 * One metric: name, description, unit and the points of its type. Choose the type with one of
 * the {@code set…} methods, which return the (empty) point list to fill. Not thread-safe.
 */
public final class Metric extends Element {
  private String name = "";
  private String description = "";
  private String unit = "";
  private MetricType type = MetricType.EMPTY;
  private AggregationTemporality temporality = AggregationTemporality.UNSPECIFIED;
  private boolean monotonic;
  private PList<NumberDataPoint> numberPoints;
  private PList<HistogramDataPoint> histogramPoints;
  private PList<ExponentialHistogramDataPoint> exponentialPoints;
  private PList<SummaryDataPoint> summaryPoints;

  Metric(State state) {
    super(state);
  }

  public String name() {
    return name;
  }

  public Metric setName(String name) {
    checkWritable();
    this.name = name == null ? "" : name;
    return this;
  }

  public String description() {
    return description;
  }

  public Metric setDescription(String description) {
    checkWritable();
    this.description = description == null ? "" : description;
    return this;
  }

  public String unit() {
    return unit;
  }

  public Metric setUnit(String unit) {
    checkWritable();
    this.unit = unit == null ? "" : unit;
    return this;
  }

  public MetricType type() {
    return type;
  }

  /** Temporality of a sum, histogram or exponential histogram. */
  public AggregationTemporality temporality() {
    return temporality;
  }

  /** Whether a sum only goes up. */
  public boolean isMonotonic() {
    return monotonic;
  }

  public PList<NumberDataPoint> setGauge() {
    become(MetricType.GAUGE, AggregationTemporality.UNSPECIFIED, false);
    return numberPoints();
  }

  public PList<NumberDataPoint> setSum(AggregationTemporality temporality, boolean monotonic) {
    become(MetricType.SUM, temporality, monotonic);
    return numberPoints();
  }

  public PList<HistogramDataPoint> setHistogram(AggregationTemporality temporality) {
    become(MetricType.HISTOGRAM, temporality, false);
    return histogramPoints();
  }

  public PList<ExponentialHistogramDataPoint> setExponentialHistogram(
      AggregationTemporality temporality) {
    become(MetricType.EXPONENTIAL_HISTOGRAM, temporality, false);
    return exponentialHistogramPoints();
  }

  public PList<SummaryDataPoint> setSummary() {
    become(MetricType.SUMMARY, AggregationTemporality.UNSPECIFIED, false);
    return summaryPoints();
  }

  /** The points of a gauge or sum. */
  public PList<NumberDataPoint> numberPoints() {
    expect(MetricType.GAUGE, MetricType.SUM);
    if (numberPoints == null) {
      numberPoints = new PList<>(state, NumberDataPoint::new);
    }
    return numberPoints;
  }

  public PList<HistogramDataPoint> histogramPoints() {
    expect(MetricType.HISTOGRAM, MetricType.HISTOGRAM);
    if (histogramPoints == null) {
      histogramPoints = new PList<>(state, HistogramDataPoint::new);
    }
    return histogramPoints;
  }

  public PList<ExponentialHistogramDataPoint> exponentialHistogramPoints() {
    expect(MetricType.EXPONENTIAL_HISTOGRAM, MetricType.EXPONENTIAL_HISTOGRAM);
    if (exponentialPoints == null) {
      exponentialPoints = new PList<>(state, ExponentialHistogramDataPoint::new);
    }
    return exponentialPoints;
  }

  public PList<SummaryDataPoint> summaryPoints() {
    expect(MetricType.SUMMARY, MetricType.SUMMARY);
    if (summaryPoints == null) {
      summaryPoints = new PList<>(state, SummaryDataPoint::new);
    }
    return summaryPoints;
  }

  /** The number of data points, whatever the type. */
  public int dataPointCount() {
    return switch (type) {
      case EMPTY -> 0;
      case GAUGE, SUM -> numberPoints == null ? 0 : numberPoints.size();
      case HISTOGRAM -> histogramPoints == null ? 0 : histogramPoints.size();
      case EXPONENTIAL_HISTOGRAM -> exponentialPoints == null ? 0 : exponentialPoints.size();
      case SUMMARY -> summaryPoints == null ? 0 : summaryPoints.size();
    };
  }

  private void become(MetricType newType, AggregationTemporality t, boolean mono) {
    checkWritable();
    clearPoints();
    type = newType;
    temporality = t;
    monotonic = mono;
  }

  private void clearPoints() {
    if (numberPoints != null) {
      numberPoints.clear();
    }
    if (histogramPoints != null) {
      histogramPoints.clear();
    }
    if (exponentialPoints != null) {
      exponentialPoints.clear();
    }
    if (summaryPoints != null) {
      summaryPoints.clear();
    }
  }

  private void expect(MetricType a, MetricType b) {
    if (type != a && type != b) {
      throw new IllegalStateException("metric '" + name + "' is " + type + ", not " + a);
    }
  }

  void copyFrom(Metric from) {
    name = from.name;
    description = from.description;
    unit = from.unit;
    become(from.type, from.temporality, from.monotonic);
    switch (from.type) {
      case GAUGE, SUM -> numberPoints().copyFrom(from.numberPoints(), (a, b) -> b.copyFrom(a));
      case HISTOGRAM ->
          histogramPoints().copyFrom(from.histogramPoints(), (a, b) -> b.copyFrom(a));
      case EXPONENTIAL_HISTOGRAM -> exponentialHistogramPoints()
          .copyFrom(from.exponentialHistogramPoints(), (a, b) -> b.copyFrom(a));
      case SUMMARY -> summaryPoints().copyFrom(from.summaryPoints(), (a, b) -> b.copyFrom(a));
      case EMPTY -> {}
    }
  }

  @Override
  void bind(State s) {
    state = s;
    if (numberPoints != null) {
      numberPoints.bind(s);
    }
    if (histogramPoints != null) {
      histogramPoints.bind(s);
    }
    if (exponentialPoints != null) {
      exponentialPoints.bind(s);
    }
    if (summaryPoints != null) {
      summaryPoints.bind(s);
    }
  }

  @Override
  void reset() {
    name = "";
    description = "";
    unit = "";
    clearPoints();
    type = MetricType.EMPTY;
    temporality = AggregationTemporality.UNSPECIFIED;
    monotonic = false;
  }
}
