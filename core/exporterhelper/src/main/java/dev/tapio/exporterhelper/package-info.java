/**
 * What exporters wrap around their synchronous send so that accepted data is not lost: {@link
 * dev.tapio.exporterhelper.SendingQueue} (the Collector's {@code sending_queue}, in memory or
 * persisted through a {@link dev.tapio.exporterhelper.StorageExtension}), configured by {@link
 * dev.tapio.exporterhelper.QueueSettings}.
 */
package dev.tapio.exporterhelper;
