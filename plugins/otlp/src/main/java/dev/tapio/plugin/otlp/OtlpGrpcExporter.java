package dev.tapio.plugin.otlp;

import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import dev.tapio.component.Signal;
import dev.tapio.consumer.ConsumerException;
import dev.tapio.consumer.LogsExporter;
import dev.tapio.consumer.MetricsExporter;
import dev.tapio.consumer.TracesExporter;
import dev.tapio.exporterhelper.SendingQueue;
import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.TelemetryData;
import dev.tapio.pdata.Traces;
import dev.tapio.auth.ClientAuthenticator;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends one signal's batches as OTLP/gRPC {@code Export} calls over a TLS channel (mutual TLS
 * with {@code tls.cert_file}) or, with {@code tls.insecure}, a plaintext one,
 * retrying through {@link Retrier}: {@code UNAVAILABLE},
 * {@code RESOURCE_EXHAUSTED}, {@code DEADLINE_EXCEEDED}, {@code CANCELLED}, {@code ABORTED},
 * {@code OUT_OF_RANGE} and {@code DATA_LOSS} are retried (the OTLP specification's list), waiting
 * the server's {@code RetryInfo} delay when it sends one; every other code is permanent.
 *
 * <p>With {@code auth.authenticator} every call carries the extension's current headers as
 * metadata; a server's {@code UNAUTHENTICATED} is permanent like any other non-retryable code.
 *
 * <p>Batches go through a {@link SendingQueue} ({@code sending_queue}) exactly as in
 * {@link OtlpHttpExporter}: its consumer threads run the send, and it counts failed sends
 * ({@code export_failed}), counts sent items when the server accepted, and refuses upstream
 * (retryable) when full. With {@code
 * sending_queue.enabled: false} the send runs on the caller's thread and failures are thrown as
 * {@link ConsumerException} (permanent, or retryable when the retries ran out or were disabled).
 * Items a server rejected in a partial success are counted here as dropped with reason
 * {@code rejected_by_server}.
 *
 * <p>Thread-safe: pipelines and queue consumers call concurrently; one channel multiplexes their
 * calls, and each call takes an {@link OtlpEncoder} from a small pool. Ownership: an in-memory
 * queue retains the batch until sent and only reads it; otherwise the data is read during the
 * call and not retained.
 */
final class OtlpGrpcExporter implements LogsExporter, MetricsExporter, TracesExporter {
  private final ComponentContext context;
  private final OtlpGrpcExporterConfig config;
  private final Retrier retrier;
  private final ConcurrentLinkedQueue<OtlpEncoder> encoders = new ConcurrentLinkedQueue<>();
  private volatile ManagedChannel managed;
  private volatile Channel channel;
  private final Signal signal;
  private final SendingQueue<TelemetryData<?>> queue;

  OtlpGrpcExporter(ComponentContext context, OtlpGrpcExporterConfig config, Signal signal) {
    this.context = context;
    this.config = config;
    this.signal = signal;
    this.retrier = new Retrier(context, config.retry());
    this.queue = new SendingQueue<>(context, config.queue(), this::export);
    context.dropped(0, "rejected_by_server"); // the series exists from the start
  }

  @Override
  public void start(Host host) throws IOException {
    InetSocketAddress address = Endpoints.parseHostPort(config.endpoint());
    if (address == null) {
      throw new IllegalStateException("otlp exporter " + context.id()
          + " needs endpoint host:port, got " + config.endpoint());
    }
    ClientAuthenticator auth = Authenticators.client(host, config.authenticator(), context);
    if (auth != null && config.tls().insecure()) {
      throw new IllegalStateException("otlp exporter " + context.id() + ": auth.authenticator"
          + " would send credentials in plaintext; enable TLS (remove tls.insecure), as the"
          + " Collector requires");
    }
    NettyChannelBuilder builder = NettyChannelBuilder
        .forAddress(address.getHostString(), address.getPort())
        .compressorRegistry(Codecs.compressors(config.compressionLevel()))
        .decompressorRegistry(Codecs.DECOMPRESSORS);
    TlsClientSettings tls = config.tls();
    if (tls.insecure()) {
      builder.usePlaintext();
    } else {
      builder.sslContext(TlsContexts.nettyClient(tls));
      if (!tls.serverNameOverride().isEmpty()) {
        builder.overrideAuthority(tls.serverNameOverride());
      }
    }
    ManagedChannel m = builder.build();
    Channel c = m;
    if (auth != null) {
      // Innermost, so that its start() runs after the static headers are merged and its
      // credential replaces a static header of the same name.
      c = ClientInterceptors.intercept(c, authenticating(auth));
    }
    if (!config.headers().isEmpty()) {
      Metadata headers = new Metadata();
      for (Map.Entry<String, String> h : config.headers().entrySet()) {
        headers.put(Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER), h.getValue());
      }
      c = ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    managed = m;
    channel = c;
    queue.start(host);
    context.reportStatus(ComponentStatus.OK, "sending to " + config.endpoint());
  }

  /** Adds the authenticator's current headers to each call's metadata. */
  private static ClientInterceptor authenticating(ClientAuthenticator auth) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            for (Map.Entry<String, String> h : auth.headers().entrySet()) {
              var key = Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER);
              headers.discardAll(key); // the credential wins over a static header of that name
              headers.put(key, h.getValue());
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /**
   * Drains the sending queue for up to {@code timeout} + 5 s (retries included; a persistent
   * queue keeps what is left for the next start), then stops retries and closes the channel.
   */
  @Override
  public void shutdown() throws IOException {
    try {
      queue.shutdown(config.timeout().plusSeconds(5));
    } finally {
      closeChannel();
    }
  }

  private void closeChannel() {
    retrier.stop();
    ManagedChannel m = managed;
    managed = null;
    channel = null;
    if (m != null) {
      m.shutdown();
      try {
        if (!m.awaitTermination(2, TimeUnit.SECONDS)) {
          m.shutdownNow();
        }
      } catch (InterruptedException e) {
        m.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void consumeLogs(Logs logs) {
    offer(logs);
  }

  @Override
  public void consumeMetrics(Metrics metrics) {
    offer(metrics);
  }

  @Override
  public void consumeTraces(Traces traces) {
    offer(traces);
  }

  private void offer(TelemetryData<?> data) {
    if (data.itemCount() > 0) {
      queue.offer(data);
    }
  }

  /** The synchronous send with retries: the queue's {@link dev.tapio.exporterhelper.Sender}. */
  private void export(TelemetryData<?> data) {
    Channel c = channel;
    if (c == null) {
      throw ConsumerException.retryable("otlp exporter " + context.id() + " is not started");
    }
    if (data.itemCount() == 0) {
      return;
    }
    byte[] request = encode(data);
    var method = OtlpGrpc.method(signal);
    String target = config.endpoint();
    retrier.send(target, () -> {
      CallOptions options = CallOptions.DEFAULT
          .withDeadlineAfter(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
      if (config.compression() != OtlpHttpExporterConfig.Compression.NONE) {
        options = options.withCompression(config.compression().encoding());
      }
      byte[] response;
      try {
        response = ClientCalls.blockingUnaryCall(c, method, options, request);
      } catch (StatusRuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("interrupted during the call");
        }
        Status status = e.getStatus();
        String failure = "gRPC " + status.getCode() + " from " + target
            + (status.getDescription() == null ? "" : ": " + status.getDescription());
        if (!retryable(status.getCode())) {
          throw ConsumerException.permanent(failure);
        }
        Metadata trailers = e.getTrailers();
        long delay = trailers == null ? -1
            : OtlpGrpc.retryDelayNanos(trailers.get(OtlpGrpc.STATUS_DETAILS));
        throw new Retrier.RetryableFailure(failure, delay);
      }
      countRejected(response);
    });
  }

  static boolean retryable(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED, ABORTED, OUT_OF_RANGE,
          DATA_LOSS -> true;
      default -> false;
    };
  }

  /** The request message, copied out of a pooled encoder's buffer (gRPC may read it later). */
  private byte[] encode(TelemetryData<?> data) {
    OtlpEncoder encoder = encoders.poll();
    if (encoder == null) {
      encoder = new OtlpEncoder();
    }
    try {
      int n = encoder.encode(data);
      return Arrays.copyOf(encoder.buffer(), n);
    } finally {
      encoders.offer(encoder);
    }
  }

  private void countRejected(byte[] body) {
    if (body.length == 0) {
      return;
    }
    long rejected = ProtoScan.rejectedCount(body);
    if (rejected > 0) {
      context.dropped(rejected, "rejected_by_server");
      queue.rejected(rejected); // sent counts only what the server kept
      context.logger().log(Level.WARNING, "{0} rejected {1} items: {2}", config.endpoint(),
          rejected, ProtoScan.partialSuccessMessage(body));
    }
  }
}
