package dev.tapio.engine.graph;

import dev.tapio.consumer.ConsumerException;
import dev.tapio.pdata.TelemetryData;

/**
 * One pipeline's processor stage as the engine runs it: whatever the processor throws other than
 * a refusal ({@link ConsumerException}) — an exception, an {@code OutOfMemoryError}, a
 * {@code NoSuchMethodError} from a plugin built against another API — is contained here and
 * attributed to this processor.
 *
 * <ul>
 *   <li>Queued pipeline: the batch's items are counted as dropped by the processor ({@code
 *       otelcol_processor_dropped_*{processor,reason}} and {@code tapio_events_dropped_total}),
 *       with reason {@code out_of_memory}, {@code linkage_error} or {@code processor_error}, and
 *       the call returns normally: the batch is consumed (dropped and counted), so no upstream
 *       stage counts it again, and the pipeline thread goes on with the next batch.
 *   <li>Synchronous pipeline: nothing was acknowledged yet, so nothing is dropped: the caller gets
 *       a refusal, retryable after an {@code OutOfMemoryError} (memory comes back), permanent
 *       otherwise, and keeps its data.
 * </ul>
 *
 * <p>Either way {@code /readyz} shows the processor failing until a later batch passes. Same
 * threading as the stage it wraps: one caller at a time.
 */
final class GuardedProcessor<T extends TelemetryData<?>> implements DataSink<T> {
  private final DataSink<T> processor;
  private final ComponentCall call;
  private final boolean synchronous;

  GuardedProcessor(DataSink<T> processor, ComponentCall call, boolean synchronous) {
    this.processor = processor;
    this.call = call;
    this.synchronous = synchronous;
  }

  /** The drop reason for a throwable a component let out. */
  static String reason(Throwable t, String otherwise) {
    if (t instanceof OutOfMemoryError) {
      return "out_of_memory";
    }
    if (t instanceof LinkageError) {
      return "linkage_error";
    }
    return otherwise;
  }

  @Override
  public void consume(T data) {
    int items = data.itemCount();
    boolean ok = false;
    call.enter();
    try {
      processor.consume(data);
      ok = true;
    } catch (ConsumerException refusal) {
      throw refusal;
    } catch (Throwable t) {
      if (synchronous) {
        call.failed(items, t, "refused to the caller");
        String message = call.label() + " failed: " + ComponentCall.describe(t);
        throw t instanceof OutOfMemoryError
            ? ConsumerException.retryable(message, t) : ConsumerException.permanent(message, t);
      }
      call.context().dropped(items, reason(t, "processor_error"));
      call.failed(items, t, "dropped them");
    } finally {
      call.exit(ok);
    }
  }

  @Override
  public boolean mutates() {
    return processor.mutates();
  }
}
