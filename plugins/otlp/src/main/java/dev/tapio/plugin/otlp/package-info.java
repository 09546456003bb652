/**
 * The {@code otlp} receiver (OTLP/gRPC and OTLP/HTTP), the {@code otlp} (gRPC) exporter and the
 * {@code otlphttp} exporter, with messages encoded and decoded straight from pdata by
 * {@code dev.tapio.otlp}; gRPC is grpc-java on its shaded Netty, with {@code byte[]} messages
 * (no protobuf-java). Both are shaded into this plugin's jar, with aircompressor's pure-Java
 * zstd.
 *
 * <h2>Receiver {@code otlp}</h2>
 *
 * <pre>{@code
 * receivers:
 *   otlp:
 *     protocols:
 *       grpc:
 *         endpoint: localhost:4317          # host:port; 0.0.0.0:4317: every interface (warns)
 *         max_recv_msg_size_mib: 4          # also the limit after decompression
 *         max_concurrent_streams: 250       # calls at once per connection, 0 = no limit
 *         max_connections: 0                # Tapio; 0 = half the descriptor limit, less 256
 *         max_connections_per_client: 0     # Tapio; per client IP address, 0 = no limit
 *         handshake_timeout: 10s            # Tapio; accept to the client's HTTP/2 SETTINGS
 *         max_rst_streams: 500              # Tapio; stream resets per window, 0 = no limit
 *         max_rst_streams_window: 10s       # Tapio; whole seconds
 *         keepalive:
 *           server_parameters:              # 0 = grpc-java's default (none)
 *             max_connection_idle: 5m       # GOAWAY to a connection without calls this long
 *             max_connection_age: 0s        # set it behind a Service so replicas share agents
 *             max_connection_age_grace: 0s
 *             time: 2h
 *             timeout: 20s
 *           enforcement_policy:
 *             min_time: 5m
 *             permit_without_stream: false
 *         tls:                              # absent: plaintext
 *           cert_file: server.pem           # PEM chain, server certificate first
 *           key_file: server-key.pem        # PKCS#8, PKCS#1 RSA or SEC1 EC
 *           client_ca_file: ""              # set: mutual TLS, clients need a certificate
 *           min_version: "1.2"              # 1.2 | 1.3
 *           max_version: "1.3"
 *         auth:
 *           authenticator: ""               # an extension id, e.g. bearertokenauth
 *       http:
 *         endpoint: localhost:4318          # host:port; 0.0.0.0:4318: every interface (warns)
 *         max_request_body_size: 4MiB       # also the limit after decompression
 *         logs_url_path: /v1/logs
 *         metrics_url_path: /v1/metrics
 *         traces_url_path: /v1/traces
 *         tls: ...                          # as for grpc: HTTPS
 *         auth: ...                         # as for grpc: 401 with WWW-Authenticate
 *         cors:                             # for web pages posting OTLP/HTTP
 *           allowed_origins: []             # e.g. https://*.example.com; empty: off
 *           allowed_headers: []             # besides Content-Type/-Encoding and safelisted
 *           max_age: 0                      # seconds a preflight may be cached
 *         read_header_timeout: 1m           # first byte (or connect) to end of headers: closed
 *         read_timeout: 1m                  # first byte to end of body: 408 (Collector: none)
 *         write_timeout: 30s                # for the client to take an answer: closed
 *         idle_timeout: 1m                  # between requests on a kept-alive connection
 *         max_connections: 0                # open at once; 0: half of (fd limit - 256)
 *         max_connections_per_client: 0     # from one address; 0: no cap (NAT, load balancers)
 *         max_attributes_per_record: 0      # also under grpc; 0: no cap (see below)
 * }</pre>
 *
 * <p>{@code max_attributes_per_record} (Tapio's own key, under {@code http} and {@code grpc}):
 * a resource, scope, log record, span, span event or link keeps its first this-many distinct
 * keys; the rest are added to its {@code dropped_attributes_count}, as the SDKs' attribute
 * limits do, and counted in {@code tapio_otlp_receiver_dropped_attributes}. Data points are not
 * capped (they have no dropped count; losing a key would merge series). Decoding is linear in
 * the number of attributes with or without it: a 4.14 MB request of 460,000 keys on one record
 * decodes in 89 ms (268.5 s when keys were found by a linear scan; benchmarks/README.md).
 *
 * <p>Hostile clients. The HTTP server reads without blocking (Netty), so a slow client holds a
 * connection, never a thread, and each phase of a request has the deadline above; a body
 * announced larger than {@code max_request_body_size} is answered 413 as soon as its headers
 * arrive. A request refused on its headers (401, 404, 405, 415, 503) keeps its connection when
 * its body is bounded: the body is read and thrown away. Answers that end the connection are sent
 * first, then the sending side is shut and up to 8 MiB (5 s) of what the client still sends is
 * read and discarded, so the client reads the answer rather than a reset. Broken framing is
 * answered 400 (a bad chunk size, a malformed request line or header), 431 (headers over
 * 64 KiB) or 414 (a request line over 8 KiB), counted in
 * {@code tapio_otlp_receiver_framing_errors{protocol="http",reason=bad_framing|
 * headers_too_large|line_too_long}}; clients too slow for a deadline in
 * {@code tapio_otlp_receiver_timeouts{protocol="http",phase=header|body|write}}. Connections
 * past a cap, or arriving while the process is within 256 file descriptors of its limit (which
 * keeps {@code /metrics}, {@code /healthz}, exporters and queue files working whatever clients
 * do), are closed as they are accepted and counted in
 * {@code tapio_otlp_receiver_refused_connections{protocol,reason=max_connections|
 * max_connections_per_client|file_descriptors}}; {@code tapio_otlp_receiver_connections{protocol}}
 * is the number open. The listen backlog is 4,096.
 *
 * <p>An empty {@code otlp:} section serves HTTP on {@code localhost:4318}. An endpoint on every
 * interface ({@code 0.0.0.0}, {@code [::]}, {@code :4318}) loads with a warning at its line:
 * it takes data from every network the host is on; the pod's IP
 * ({@code ${env:MY_POD_IP}:4318}) is what a Kubernetes Service needs, and no more. gRPC serves
 * {@code opentelemetry.proto.collector.{logs,metrics,trace}.v1.*Service/Export}; message
 * encodings gzip, zstd or identity; answers {@code INVALID_ARGUMENT} for a malformed message
 * (counted as {@code malformed}) or a permanent refusal, {@code RESOURCE_EXHAUSTED} for an
 * oversized one, before or after decompression (counted as {@code too_large}, not logged: a
 * bomb costs at most the limit), {@code UNAUTHENTICATED} when the
 * authenticator refuses the call's metadata, {@code UNAVAILABLE} with a {@code RetryInfo} of 1 s
 * in {@code grpc-status-details-bin} when the pipeline refuses as retryable. The receivers of the
 * three signals share one server per protocol and endpoint. HTTP: POST only;
 * {@code Content-Type: application/x-protobuf} or {@code application/json};
 * {@code Content-Encoding: gzip}, {@code zstd} or none. Answers: 200 with an empty response;
 * 400 malformed body or permanent refusal; 401 without valid credentials; 404; 405; 413 body too
 * large (before or after decompression, so a bomb costs at most the limit); 415; 503 with
 * {@code Retry-After: 1} when the pipeline refuses as retryable. Error bodies are
 * {@code google.rpc.Status}, in the request's encoding. With mutual TLS a client without a
 * certificate from {@code client_ca_file} is refused in the handshake. Counter:
 * {@code tapio_otlp_receiver_malformed_requests{reason=malformed|too_large|
 * unsupported_media_type}}; accepted and refused items are counted by the engine. Accepted for
 * Collector compatibility and ignored: {@code grpc.read_buffer_size},
 * {@code grpc.write_buffer_size}; {@code grpc.transport} must be {@code tcp}.
 *
 * <p>Hostile clients (gRPC; the keys marked Tapio are not the Collector's, whose defaults for
 * {@code max_concurrent_streams} and {@code max_connection_idle} are "no limit"): each
 * connection is admitted as it is accepted, or reset before a byte of it is read, when
 * {@code max_connections} are open, when {@code max_connections_per_client} are open from its IP
 * address, or when the process is within 256 file descriptors of its limit. Unset,
 * {@code max_connections} is half the descriptor limit less those 256 (9,872 at a limit of
 * 20,000), so gRPC clients alone never starve the HTTP server, {@code /metrics} or the exporters;
 * {@code max_connections_per_client} is unlimited, because behind a NAT, a load balancer that
 * hides client addresses or a node proxy a whole fleet shares one address: set it (e.g. 100)
 * when clients connect directly, since without it one address can hold every gRPC connection
 * (with the preface sent, each for {@code max_connection_idle}). A connection that has not sent the HTTP/2 preface and SETTINGS
 * (after TLS) within {@code handshake_timeout} is closed; one without a call for
 * {@code max_connection_idle} gets GOAWAY and is closed (10 s later if the client ignores it);
 * a client that resets more than {@code max_rst_streams} streams per window (HTTP/2 rapid
 * reset; an honest client resets a stream only to cancel a call, and has at most
 * {@code max_concurrent_streams} open) gets GOAWAY {@code ENHANCE_YOUR_CALM} and is closed.
 * Counters: {@code tapio_otlp_receiver_connections{protocol=grpc}} (open now),
 * {@code tapio_otlp_receiver_refused_connections{protocol=grpc,reason=max_connections|
 * max_connections_per_client|file_descriptors}}.
 *
 * <p>Memory: every request is admitted against the process-wide memory budget
 * ({@code service.memory_budget}, {@code ComponentContext.memory()}) before it is read. It
 * reserves its body plus the body decoded, estimated at 8 heap bytes per protobuf body byte and
 * 3 per JSON byte ({@code RequestMemory}, measured by
 * {@code benchmarks/DecodeHeapBench}): HTTP reserves {@code Content-Length} × (1 + factor)
 * before reading, and a chunked or compressed body buffer by buffer as it is read, then its
 * decoded size; gRPC closes a call as it starts when the budget is spent, else reserves in the
 * request marshaller, before the message is read (all of it up front when uncompressed, as it
 * decompresses otherwise). A request that does not fit gets HTTP 503 with {@code Retry-After: 1},
 * sent before the rest of the body is read (which is then discarded unread into memory, up to
 * 8 MiB, else the connection closes), or gRPC {@code UNAVAILABLE} with a 1 s {@code RetryInfo}.
 * Decoded data carries its estimate ({@code TelemetryData.setEstimatedBytes}) into the pipeline,
 * which charges it while queued; the request hands its reservation over to that charge rather
 * than hold both. Whatever is thrown while a request is read, decoded or consumed,
 * {@code OutOfMemoryError} included, is answered the same retryable way, so the client keeps its
 * data; the request threads catch anything that escapes and live on; failures are logged at most
 * every 10 s naming the receiver. Counter of the requests answered so before the pipeline saw
 * them: {@code tapio_otlp_receiver_refused_requests{reason=memory_budget|out_of_memory|
 * internal_error}}.
 *
 * <h2>Exporter {@code otlp} (gRPC)</h2>
 *
 * <pre>{@code
 * exporters:
 *   otlp:
 *     endpoint: gateway:4317          # required; host:port
 *     tls:
 *       insecure: false               # true: plaintext
 *       insecure_skip_verify: false   # TLS without checking the server's certificate
 *       ca_file: ""                   # empty: the JDK's trusted roots
 *       cert_file: ""                 # client certificate for mutual TLS
 *       key_file: ""
 *       server_name_override: ""      # check the certificate against this name
 *       min_version: "1.2"
 *       max_version: "1.3"
 *     auth:
 *       authenticator: ""             # an extension whose headers go with every call;
 *                                     # needs TLS (credentials are never sent in plaintext)
 *     headers: {}                     # sent as gRPC metadata
 *     compression: gzip               # gzip | zstd | none
 *     timeout: 10s                    # deadline of one call
 *     retry_on_failure: ...           # as for otlphttp
 *     sending_queue: ...              # as for otlphttp
 * }</pre>
 *
 * <p>Retries {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code DEADLINE_EXCEEDED},
 * {@code CANCELLED}, {@code ABORTED}, {@code OUT_OF_RANGE} and {@code DATA_LOSS}, waiting the
 * server's {@code RetryInfo} delay when present; every other code (e.g. {@code INVALID_ARGUMENT},
 * {@code UNAUTHENTICATED}) is permanent and not retried. Drops as for {@code otlphttp}. Accepted
 * and ignored: {@code read_buffer_size}, {@code write_buffer_size}, {@code balancer_name},
 * {@code wait_for_ready}.
 *
 * <h2>Exporter {@code otlphttp}</h2>
 *
 * <pre>{@code
 * exporters:
 *   otlphttp:
 *     endpoint: https://gateway:4318  # required; /v1/logs, /v1/metrics, /v1/traces appended
 *     logs_endpoint: ""               # full URL overriding endpoint for one signal
 *     metrics_endpoint: ""
 *     traces_endpoint: ""
 *     tls: ...                        # as for otlp, used for https:// URLs
 *     auth: ...                       # as for otlp: needs https:// (see below)
 *     headers: {}
 *     allow_plaintext_credentials: false  # true: auth or an Authorization header may go to
 *                                     # an http:// URL of another host
 *     compression: gzip               # gzip | zstd | none
 *     compression_params:
 *       level: 1                      # gzip level, 1 (fastest) to 9 (smallest); zstd ignores it
 *     encoding: proto                 # proto | json
 *     timeout: 10s
 *     retry_on_failure:
 *       enabled: true
 *       initial_interval: 5s
 *       max_interval: 30s
 *       max_elapsed_time: 300s        # 0 = retry for ever
 *       multiplier: 1.5
 *       randomization_factor: 0.5     # each wait spread by ±50%
 *     sending_queue:
 *       enabled: true                 # false: send on the pipeline's thread
 *       sizer: requests               # what queue_size counts: requests | items | bytes
 *       queue_size: 1000
 *       num_consumers: 4
 *       block_on_overflow: false      # (blocking: the Collector's older name, deprecated)
 *       wait_for_result: false        # true: the pipeline waits for the send, failures go back
 *       storage: ""                   # a file_storage extension: the queue lives on disk
 *       batch:                        # absent: batches are sent as the pipeline hands them over
 *         enabled: true
 *         flush_timeout: 200ms        # the longest a batch waits for others to join it
 *         min_size: 8192              # sent at once at this size
 *         max_size: 0                 # split above this size; 0 = no limit
 *         sizer: items                # items | bytes (default: the queue's, items for requests)
 * }</pre>
 *
 * <p>{@code sending_queue} is the Collector's exporterhelper queue
 * ({@code dev.tapio.exporterhelper.SendingQueue}); with {@code batch}, merging and splitting
 * happen on the queue's consumer threads, so a pipeline without a {@code batch} processor still
 * sends large requests. Keys of the Collector's OTLP components that Tapio does not read yet are
 * refused as not supported yet, each with what to do instead: the table is in the plugin's
 * README.
 *
 * <p>Credentials are never sent in cleartext unless asked for: with {@code auth.authenticator}
 * or an {@code Authorization} header, an {@code http://} URL in use (the {@code endpoint} or a
 * signal's own) is a configuration error, as the {@code otlp} exporter refuses an authenticator
 * with {@code tls.insecure}. Exempt are URLs to the loopback interface ({@code localhost},
 * {@code 127.0.0.1}, {@code [::1]}: the token never leaves the host) and, with
 * {@code allow_plaintext_credentials: true}, every URL: for a network the user trusts to keep
 * the token (a service mesh that encrypts between sidecars).
 *
 * <p>Retries connection failures, timeouts and HTTP 429/502/503/504 with exponential backoff,
 * waiting {@code Retry-After} instead when the server sends it. Other statuses (400, 401, …) are
 * permanent and not retried. The sending queue drops batches whose send failed for good as
 * {@code export_failed}; a full queue, memory budget or disk is a retryable refusal counted in
 * {@code otelcol_exporter_enqueue_failed_*}, not a drop; items a
 * server rejects in a partial success are dropped with reason {@code rejected_by_server}.
 * Accepted and ignored (Go transport tuning): {@code read_buffer_size}, {@code write_buffer_size},
 * {@code max_idle_conns}, {@code max_idle_conns_per_host}, {@code max_conns_per_host},
 * {@code idle_conn_timeout}, {@code disable_keep_alives}, {@code http2_read_idle_timeout},
 * {@code http2_ping_timeout}, {@code force_attempt_http2}. {@code tls.server_name_override} is
 * refused (the URL's host is what the certificate is checked against). Certificates are read at start; a rotated
 * certificate takes a restart.
 */
package dev.tapio.plugin.otlp;
