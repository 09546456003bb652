/**
 * The {@code otlp} receiver (OTLP/gRPC and OTLP/HTTP), the {@code otlp} (gRPC) exporter and the
 * {@code otlphttp} exporter, with messages encoded and decoded straight from pdata by
 * {@code dev.tapio.otlp}; gRPC is grpc-java on its shaded Netty, with {@code byte[]} messages
 * (no protobuf-java). Both are shaded into this plugin's jar (about 15 MB, mostly Netty and
 * Guava).
 *
 * <h2>Receiver {@code otlp}</h2>
 *
 * <pre>{@code
 * receivers:
 *   otlp:
 *     protocols:
 *       grpc:
 *         endpoint: localhost:4317          # host:port; 0.0.0.0:4317 for every interface
 *         max_recv_msg_size_mib: 4          # also the limit after gzip decompression
 *       http:
 *         endpoint: localhost:4318          # host:port; 0.0.0.0:4318 for every interface
 *         max_request_body_size: 4MiB       # also the limit after gzip decompression
 *         logs_url_path: /v1/logs
 *         metrics_url_path: /v1/metrics
 *         traces_url_path: /v1/traces
 * }</pre>
 *
 * <p>An empty {@code otlp:} section serves HTTP on {@code localhost:4318}. gRPC serves
 * {@code opentelemetry.proto.collector.{logs,metrics,trace}.v1.*Service/Export}, plaintext,
 * gzip or identity; answers {@code INVALID_ARGUMENT} for a malformed message (counted as
 * {@code malformed}) or a permanent refusal, {@code RESOURCE_EXHAUSTED} for an oversized one
 * (from gRPC itself, not counted here), {@code UNAVAILABLE} with a {@code RetryInfo} of 1 s in
 * {@code grpc-status-details-bin} when the pipeline refuses as retryable. The receivers of the
 * three signals share one server per protocol and endpoint. HTTP: POST only;
 * {@code Content-Type: application/x-protobuf} ({@code JSON} is answered 415);
 * {@code Content-Encoding: gzip} or none. Answers: 200 with an empty response;
 * 400 malformed body or permanent refusal; 404; 405; 413 body too large (before or after
 * decompression, so a gzip bomb costs at most the limit); 415; 503 with {@code Retry-After: 1}
 * when the pipeline refuses as retryable. Error bodies are {@code google.rpc.Status}. Counter:
 * {@code tapio_otlp_receiver_malformed_requests{reason=malformed|too_large|
 * unsupported_media_type}}; accepted and refused items are counted by the engine.
 *
 * <h2>Exporter {@code otlp} (gRPC)</h2>
 *
 * <pre>{@code
 * exporters:
 *   otlp:
 *     endpoint: gateway:4317          # required; host:port
 *     tls:
 *       insecure: true                # required: TLS is not supported yet (plaintext only)
 *     headers: {}                     # sent as gRPC metadata
 *     compression: gzip               # gzip | none
 *     timeout: 10s                    # deadline of one call
 *     retry_on_failure: ...           # as for otlphttp
 * }</pre>
 *
 * <p>Retries {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code DEADLINE_EXCEEDED},
 * {@code CANCELLED}, {@code ABORTED}, {@code OUT_OF_RANGE} and {@code DATA_LOSS}, waiting the
 * server's {@code RetryInfo} delay when present; every other code (e.g. {@code INVALID_ARGUMENT})
 * is permanent and not retried. Drops as for {@code otlphttp}.
 *
 * <h2>Exporter {@code otlphttp}</h2>
 *
 * <pre>{@code
 * exporters:
 *   otlphttp:
 *     endpoint: http://gateway:4318   # required; /v1/logs, /v1/metrics, /v1/traces appended
 *     logs_endpoint: ""               # full URL overriding endpoint for one signal
 *     metrics_endpoint: ""
 *     traces_endpoint: ""
 *     headers: {}
 *     compression: gzip               # gzip | none
 *     encoding: proto                 # only proto
 *     timeout: 10s
 *     retry_on_failure:
 *       enabled: true
 *       initial_interval: 5s
 *       max_interval: 30s
 *       max_elapsed_time: 300s        # 0 = retry for ever
 *       multiplier: 1.5
 * }</pre>
 *
 * <p>Sends synchronously on the pipeline's thread, retrying connection failures, timeouts and
 * HTTP 429/502/503/504 with exponential backoff (no jitter yet), waiting {@code Retry-After}
 * instead when the server sends it. Other statuses are permanent and not retried. A failure
 * reaches the engine as a {@code ConsumerException}, which counts it as
 * {@code otelcol_exporter_send_failed_*} and drops it with reason {@code export_failed}; items a
 * server rejects in a partial success are dropped here with reason {@code rejected_by_server}.
 * Not yet: TLS ({@code https} is refused), {@code sending_queue}, zstd.
 */
package dev.tapio.plugin.otlp;
