package dev.tapio.plugin.k8sattributes.cri;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A container runtime's {@code runtime.v1.RuntimeService} for tests, served by grpc-java over a
 * unix socket: the five methods Tapio calls, answering from the sandboxes and containers a test
 * adds, with the field numbers of {@code cri-api}'s {@code api.proto}. A container added
 * {@code unlisted} is one that started after the last list: only {@code ContainerStatus}
 * knows it. Thread-safe.
 */
public final class FakeRuntime implements AutoCloseable {
  private record Sandbox(String id, String name, String uid, String namespace,
      Map<String, String> labels) {}

  private record Container(String id, String sandboxId, String name, String image,
      boolean listed) {}

  private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final Map<String, Container> containers = new ConcurrentHashMap<>();
  /** Calls per method name. */
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final EventLoopGroup group = new EpollEventLoopGroup(1);
  private final Server server;
  private final Path socket;

  public FakeRuntime(Path socket) throws IOException {
    this.socket = socket;
    var service = ServerServiceDefinition.builder("runtime.v1.RuntimeService")
        .addMethod(CriClient.VERSION, unary("Version", r -> version()))
        .addMethod(CriClient.LIST_CONTAINERS, unary("ListContainers", r -> listContainers()))
        .addMethod(CriClient.CONTAINER_STATUS, unary("ContainerStatus", this::containerStatus))
        .addMethod(CriClient.LIST_POD_SANDBOX, unary("ListPodSandbox", r -> listSandboxes()))
        .addMethod(CriClient.POD_SANDBOX_STATUS, unary("PodSandboxStatus", this::sandboxStatus))
        .build();
    server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group).workerEventLoopGroup(group)
        .withChildOption(ChannelOption.SO_KEEPALIVE, null)
        .addService(service).build().start();
  }

  public Path socket() {
    return socket;
  }

  public void addSandbox(String id, String name, String uid, String namespace,
      Map<String, String> labels) {
    sandboxes.put(id, new Sandbox(id, name, uid, namespace, Map.copyOf(labels)));
  }

  public void addContainer(String id, String sandboxId, String name, String image,
      boolean listed) {
    containers.put(id, new Container(id, sandboxId, name, image, listed));
  }

  public void removeContainer(String id) {
    containers.remove(id);
  }

  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  private ServerCalls.UnaryMethod<byte[], byte[]> call(String name,
      Function<byte[], byte[]> answer) {
    return (request, response) -> {
      calls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      try {
        response.onNext(answer.apply(request));
        response.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        response.onError(e);
      }
    };
  }

  private io.grpc.ServerCallHandler<byte[], byte[]> unary(String name,
      Function<byte[], byte[]> answer) {
    return ServerCalls.asyncUnaryCall(call(name, answer));
  }

  private static byte[] version() {
    return new Wire.Writer().string(1, "0.1.0").string(2, "fake").string(3, "1.0")
        .string(4, "v1").toByteArray();
  }

  private byte[] listContainers() {
    var w = new Wire.Writer();
    for (Container c : containers.values()) {
      if (!c.listed) {
        continue;
      }
      // Container: id 1, pod_sandbox_id 2, metadata 3, image 4, image_ref 5, state 6,
      // labels 8. The image field holds the image id, as containerd lists it.
      w.message(1, new Wire.Writer().string(1, c.id).string(2, c.sandboxId)
          .message(3, new Wire.Writer().string(1, c.name))
          .message(4, new Wire.Writer().string(1, "sha256:" + "ab".repeat(32)))
          .string(5, c.image).int64(6, 1).map(8, labels(c)));
    }
    return w.toByteArray();
  }

  private byte[] containerStatus(byte[] request) {
    String id = "";
    boolean verbose = false;
    var r = new Wire.Reader(request);
    while (r.next()) {
      switch (r.field()) {
        case 1 -> id = r.string();
        case 2 -> verbose = r.int64() != 0;
        default -> r.skip();
      }
    }
    Container c = containers.get(id);
    if (c == null) {
      throw Status.NOT_FOUND.withDescription("an error occurred when try to find container \""
          + id + "\": not found").asRuntimeException();
    }
    // ContainerStatus: id 1, metadata 2, state 3, image 8, image_ref 9, labels 12.
    var status = new Wire.Writer().string(1, c.id)
        .message(2, new Wire.Writer().string(1, c.name)).int64(3, 1)
        .message(8, new Wire.Writer().string(1, c.image))
        .string(9, "docker.io/library/x@sha256:" + "cd".repeat(32)).map(12, labels(c));
    var w = new Wire.Writer().message(1, status);
    if (verbose) {
      String info = "{\"sandboxID\":\"" + c.sandboxId + "\",\"pid\":4242,"
          + "\"runtimeSpec\":{\"linux\":{\"cgroupsPath\":\"kubepods-besteffort-pod.slice:"
          + "cri-containerd:" + c.id + "\"}}}";
      w.map(2, Map.of("info", info));
    }
    return w.toByteArray();
  }

  /** The kubelet's labels on a container. */
  private Map<String, String> labels(Container c) {
    Map<String, String> labels = new HashMap<>();
    Sandbox s = sandboxes.get(c.sandboxId);
    if (s != null) {
      labels.put("io.kubernetes.pod.uid", s.uid);
      labels.put("io.kubernetes.pod.name", s.name);
      labels.put("io.kubernetes.pod.namespace", s.namespace);
    }
    labels.put("io.kubernetes.container.name", c.name);
    return labels;
  }

  private byte[] listSandboxes() {
    var w = new Wire.Writer();
    for (Sandbox s : sandboxes.values()) {
      w.message(1, sandbox(s, 5));
    }
    return w.toByteArray();
  }

  private byte[] sandboxStatus(byte[] request) {
    var r = new Wire.Reader(request);
    String id = "";
    while (r.next()) {
      if (r.field() == 1) {
        id = r.string();
      } else {
        r.skip();
      }
    }
    Sandbox s = sandboxes.get(id);
    if (s == null) {
      throw Status.NOT_FOUND.asRuntimeException();
    }
    return new Wire.Writer().message(1, sandbox(s, 7)).toByteArray();
  }

  /** PodSandbox (labels 5) or PodSandboxStatus (labels 7); the kubelet's labels added. */
  private static Wire.Writer sandbox(Sandbox s, int labelsField) {
    Map<String, String> labels = new HashMap<>(s.labels);
    labels.put("io.kubernetes.pod.uid", s.uid);
    labels.put("io.kubernetes.pod.name", s.name);
    labels.put("io.kubernetes.pod.namespace", s.namespace);
    return new Wire.Writer().string(1, s.id)
        .message(2, new Wire.Writer().string(1, s.name).string(2, s.uid).string(3, s.namespace))
        .map(labelsField, labels);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }
}
