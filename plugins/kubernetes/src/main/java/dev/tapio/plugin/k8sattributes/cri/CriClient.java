package dev.tapio.plugin.k8sattributes.cri;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A client of the runtime's {@code runtime.v1.RuntimeService} over its unix socket: grpc-java
 * on Netty's epoll transport (shipped inside grpc-netty-shaded), messages as {@code byte[]}
 * encoded and decoded by {@link CriMessages}.
 *
 * <p>Every call is blocking, with the configured deadline, and is meant for the CRI thread
 * only (never a pipeline thread). A failure is a {@link io.grpc.StatusRuntimeException}
 * ({@code UNAVAILABLE} while the socket is missing or refuses, {@code NOT_FOUND} for an
 * unknown id, {@code DEADLINE_EXCEEDED}); the channel reconnects by itself with backoff.
 *
 * <p>Threading: thread-safe (grpc-java's channel is); {@link #close} once, after the last call.
 */
final class CriClient implements AutoCloseable {
  private static final String SERVICE = "runtime.v1.RuntimeService";

  /** Messages pass through as the bytes on the wire. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> VERSION = method("Version");
  static final MethodDescriptor<byte[], byte[]> LIST_CONTAINERS = method("ListContainers");
  static final MethodDescriptor<byte[], byte[]> CONTAINER_STATUS = method("ContainerStatus");
  static final MethodDescriptor<byte[], byte[]> LIST_POD_SANDBOX = method("ListPodSandbox");
  static final MethodDescriptor<byte[], byte[]> POD_SANDBOX_STATUS = method("PodSandboxStatus");

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final long timeoutNanos;

  /**
   * A channel to the socket at {@code path}; connects lazily, on the first call.
   *
   * @param threads names the transport's one event-loop thread
   */
  CriClient(String path, Duration timeout, ThreadFactory threads) {
    this.timeoutNanos = timeout.toNanos();
    this.group = new EpollEventLoopGroup(1, threads);
    this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .usePlaintext()
        // gRPC asks every transport for TCP keep-alive; a unix socket has none, and Netty
        // would warn on each connection. null removes the option.
        .withOption(ChannelOption.SO_KEEPALIVE, null)
        // The kubelet's crictl sends "localhost" too; runtimes do not check it.
        .overrideAuthority("localhost")
        // Answers with every container of a busy node can exceed gRPC's 4 MiB default.
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private byte[] call(MethodDescriptor<byte[], byte[]> method, byte[] request) {
    return ClientCalls.blockingUnaryCall(channel, method,
        CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS), request);
  }

  CriMessages.Version version() {
    return CriMessages.version(call(VERSION, CriMessages.versionRequest()));
  }

  List<CriMessages.RawContainer> listContainers() {
    return CriMessages.containers(call(LIST_CONTAINERS, CriMessages.listRequest()));
  }

  List<CriMessages.Sandbox> listPodSandbox() {
    return CriMessages.sandboxes(call(LIST_POD_SANDBOX, CriMessages.listRequest()));
  }

  /** The container with its verbose info (pid, sandbox id, cgroups path), or null. */
  CriMessages.RawContainer containerStatus(String id) {
    return CriMessages.containerStatus(call(CONTAINER_STATUS,
        CriMessages.containerStatusRequest(id, true)));
  }

  CriMessages.Sandbox podSandboxStatus(String id) {
    return CriMessages.sandboxStatus(call(POD_SANDBOX_STATUS,
        CriMessages.podSandboxStatusRequest(id)));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
