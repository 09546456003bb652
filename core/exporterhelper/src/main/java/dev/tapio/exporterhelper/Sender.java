package dev.tapio.exporterhelper;

import dev.tapio.pdata.TelemetryData;

/**
 * An exporter's synchronous send, including its own retries: returns when the batch was
 * delivered, throws when it was not and will not be. Called by the {@link SendingQueue}'s
 * consumer threads concurrently, so it must be thread-safe. The sender owns {@code data} once
 * called and may change it.
 */
@FunctionalInterface
public interface Sender<T extends TelemetryData<?>> {

  void send(T data) throws Exception;
}
