package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tapio.component.Signal;
import dev.tapio.consumer.LogsConsumer;
import dev.tapio.consumer.MetricsConsumer;
import dev.tapio.consumer.TracesConsumer;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.Metrics;
import dev.tapio.pdata.Traces;
import dev.tapio.testkit.TestContext;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the {@code otlp} receiver over the wire with malformed requests: random bytes, valid
 * encodings with bit flips, truncations, rewritten length prefixes, huge varints, deep nesting,
 * gzip of garbage, corrupt gzip streams, OTLP/JSON with JSON-shaped mutations (plain and zstd),
 * and wrong content types, encodings, methods and paths.
 *
 * <p>Every answer must be a 4xx, or a 200 when a mutation happens to stay valid (counted); never
 * a 5xx, a gRPC code other than INVALID_ARGUMENT/RESOURCE_EXHAUSTED, or a broken connection. The
 * receiver's counters must agree exactly with the answers seen, its pool must still serve a
 * valid request afterwards, and the heap after a GC must not grow with the number of requests.
 *
 * <p>Deterministic inputs: each client thread draws from a {@link Random} seeded by
 * {@link #SEED} and its index, so a failure prints what reproduces it.
 */
class ReceiverFuzzTest {
  private static final long SEED = 0x7A910L;
  private static final int HTTP_REQUESTS = 100_000;
  private static final int HTTP_THREADS = 16;
  private static final int GRPC_MESSAGES = 10_000;
  private static final int GRPC_IN_FLIGHT = 32;
  private static final int MAX_BODY = 64 << 10;
  /** A hang guard, not a performance bound: far above what the run needs on a loaded machine. */
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  /** Heap growth after a GC that would mean requests leave something behind. */
  private static final long MAX_HEAP_GROWTH = 64L << 20;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String OVERSIZED = "oversized";
  private static final Signal[] SIGNALS = Signal.values();
  private static final String[] PATHS = {"/v1/logs", "/v1/metrics", "/v1/traces"};

  /** Counts what reaches the pipeline and keeps nothing, so the heap measures the receiver. */
  private static final class CountingConsumer
      implements LogsConsumer, MetricsConsumer, TracesConsumer {
    final LongAdder batches = new LongAdder();

    @Override
    public void consumeLogs(Logs logs) {
      batches.increment();
    }

    @Override
    public void consumeMetrics(Metrics metrics) {
      batches.increment();
    }

    @Override
    public void consumeTraces(Traces traces) {
      batches.increment();
    }
  }

  /** One malformed request: where, how, and what it carries. */
  private record Input(String kind, String method, String path, String contentType,
      String encoding, byte[] body, boolean gzipForGrpc) {}

  private static byte[][] seeds() {
    return new byte[][] {Samples.bytes(Samples.logs(0, 5)), Samples.bytes(Samples.metrics()),
        Samples.bytes(Samples.traces())};
  }

  // ---------------------------------------------------------------------------------------
  // HTTP

  @Test
  void httpReceiverAnswersEveryMalformedBodyWith4xx() throws Exception {
    CountingConsumer consumer = new CountingConsumer();
    byte[][] seeds = seeds();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
    Map<String, LongAdder> valid = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong next = new AtomicLong();
    long baselineHeap;
    long finalHeap;
    long started;
    long elapsed;
    try (Receiver receiver = new Receiver(consumer, consumer, consumer, MAX_BODY);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build()) {
      // Warm up the connections, the JIT and the receiver's lazily built state before the
      // baseline, so that the heap comparison sees only what requests leave behind.
      runHttp(client, receiver, seeds, 2_000, new AtomicLong(), SEED - 1,
          new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
          failures);
      assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: "
          + failures.peek());
      long warmMalformed = refusedCount(receiver);
      long warmBatches = consumer.batches.sum();
      baselineHeap = usedHeapAfterGc();

      started = System.nanoTime();
      runHttp(client, receiver, seeds, HTTP_REQUESTS, next, SEED, statuses, kinds, valid,
          failures);
      elapsed = System.nanoTime() - started;
      finalHeap = usedHeapAfterGc();

      long ok = count(statuses, 200);
      long sent = Math.min(next.get(), HTTP_REQUESTS);
      System.out.printf("ReceiverFuzzTest HTTP: %d requests in %.1f s (%.0f/s, %d threads, "
              + "seed %d), heap after GC %d KiB -> %d KiB%n  statuses %s%n  kinds %s%n"
              + "  valid (200) by kind %s%n",
          sent, elapsed / 1e9, sent / (elapsed / 1e9), HTTP_THREADS, SEED,
          baselineHeap >> 10, finalHeap >> 10, sorted(statuses), sorted(kinds), sorted(valid));
      assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first ones: "
          + failures.stream().limit(5).toList());
      assertEquals(HTTP_REQUESTS, total(statuses), "every request answered");
      for (Integer status : statuses.keySet()) {
        assertTrue(status == 200 || status >= 400 && status < 500, "status " + status);
      }
      assertTrue(count(statuses, 400) > HTTP_REQUESTS / 4, "mostly malformed: " + statuses);
      assertTrue(ok < HTTP_REQUESTS / 5, "mutations mostly break the encoding: " + ok);
      // The receiver's own accounting agrees with what the clients saw.
      assertEquals(ok, consumer.batches.sum() - warmBatches, "each 200 delivered one batch");
      assertEquals(count(statuses, 400) + count(statuses, 413) + count(statuses, 415),
          refusedCount(receiver) - warmMalformed, "each body refusal counted once");
      assertTrue(finalHeap - baselineHeap < MAX_HEAP_GROWTH, "heap grew from "
          + (baselineHeap >> 10) + " KiB to " + (finalHeap >> 10) + " KiB");

      // The pool survived: a valid request is still served.
      long before = consumer.batches.sum();
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
              receiver.uri("/v1/logs"))
          .header("Content-Type", PROTOBUF)
          .POST(HttpRequest.BodyPublishers.ofByteArray(seeds[0])).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, response.statusCode());
      assertEquals(before + 1, consumer.batches.sum());
    }
  }

  private static long refusedCount(Receiver receiver) {
    long n = 0;
    for (TestContext c : List.of(receiver.logsContext, receiver.metricsContext,
        receiver.tracesContext)) {
      for (String reason : List.of("malformed", "too_large", "unsupported_media_type")) {
        n += c.counterValue("tapio_otlp_receiver_malformed_requests", "reason", reason);
      }
    }
    return n;
  }

  private static void runHttp(HttpClient client, Receiver receiver, byte[][] seeds, int requests,
      AtomicLong next, long seed, Map<Integer, LongAdder> statuses, Map<String, LongAdder> kinds,
      Map<String, LongAdder> valid, ConcurrentLinkedQueue<String> failures) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < HTTP_THREADS; t++) {
      Random random = new Random(seed * 31 + t);
      threads.add(Thread.ofPlatform().name("fuzz-http-" + t).start(() -> {
        long i;
        while ((i = next.getAndIncrement()) < requests) {
          if (System.nanoTime() > deadline) {
            failures.add("deadline passed after " + i + " requests: the receiver hangs");
            return;
          }
          Input in = httpInput(random, seeds);
          kinds.computeIfAbsent(in.kind(), k -> new LongAdder()).increment();
          try {
            HttpRequest.Builder b = HttpRequest.newBuilder(receiver.uri(in.path()))
                .timeout(Duration.ofSeconds(30))
                .method(in.method(), HttpRequest.BodyPublishers.ofByteArray(in.body()));
            if (in.contentType() != null) {
              b.header("Content-Type", in.contentType());
            }
            if (in.encoding() != null) {
              b.header("Content-Encoding", in.encoding());
            }
            int status = in.kind().equals(OVERSIZED)
                ? sendClosing(receiver, in)
                : client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
            if (status == 200) {
              valid.computeIfAbsent(in.kind(), k -> new LongAdder()).increment();
            } else if (status < 400 || status >= 500) {
              failures.add("status " + status + " for " + describe(in));
            }
          } catch (IOException e) {
            failures.add(e + " for " + describe(in));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * Sends {@code in} on a connection of its own with {@code Connection: close} and returns the
   * status. Oversized bodies go this way because the receiver answers 413 from Content-Length
   * without reading the body and without {@code Connection: close}: the JDK server then drops the
   * connection, and a pooled client that reuses it fails its next request.
   */
  private static int sendClosing(Receiver receiver, Input in) throws IOException {
    URI uri = receiver.uri(in.path());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((in.method() + " " + in.path() + " HTTP/1.1\r\nHost: " + uri.getAuthority()
          + "\r\nContent-Type: " + in.contentType() + "\r\nContent-Length: " + in.body().length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(in.body());
      out.flush();
      InputStream response = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = response.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("no status line: '" + line + "'");
      }
      return Integer.parseInt(parts[1]);
    }
  }

  private static String describe(Input in) {
    return in.kind() + " " + in.method() + " " + in.path() + " type=" + in.contentType()
        + " encoding=" + in.encoding() + " body(" + in.body().length + ")="
        + hex(in.body(), 48);
  }

  private static Input httpInput(Random r, byte[][] seeds) {
    int s = r.nextInt(3);
    String path = PATHS[s];
    int roll = r.nextInt(100);
    if (roll < 2) {
      // Wrong method or path.
      return r.nextBoolean()
          ? new Input("method", r.nextBoolean() ? "PUT" : "GET", path, PROTOBUF, null,
              new byte[0], false)
          : new Input("path", "POST", "/v1/" + (char) ('a' + r.nextInt(26)) + "x", PROTOBUF,
              null, seeds[s], false);
    }
    if (roll < 10) {
      // A valid or mutated body under a wrong content type or encoding.
      byte[] body = r.nextBoolean() ? seeds[s] : mutate(r, seeds[s], s).body();
      String[] types = {"application/json", "text/plain; charset=utf-8", null,
          "application/grpc", "application/protobuf", "multipart/form-data; boundary=x",
          "application/x-protobuf+json", randomToken(r)};
      String[] encodings = {"zstd", "br", "deflate", "compress", "gzip, gzip", randomToken(r)};
      return r.nextBoolean()
          ? new Input("content-type", "POST", path, types[r.nextInt(types.length)], null, body,
              false)
          : new Input("encoding", "POST", path, PROTOBUF, encodings[r.nextInt(encodings.length)],
              body, false);
    }
    if (roll < 20) {
      // Gzip: of garbage, of a mutated encoding, or a corrupt stream of a valid one.
      int g = r.nextInt(3);
      byte[] body = switch (g) {
        case 0 -> gzip(randomBytes(r, 1 + r.nextInt(4096)));
        case 1 -> gzip(mutate(r, seeds[s], s).body());
        default -> mutate(r, gzip(seeds[s]), s).body();
      };
      return new Input(switch (g) {
        case 0 -> "gzip-garbage";
        case 1 -> "gzip-mutated";
        default -> "gzip-corrupt";
      }, "POST", path, r.nextBoolean() ? PROTOBUF : "application/x-protobuf; charset=binary",
          "gzip", body, false);
    }
    if (roll < 31) {
      // OTLP/JSON, mutated: byte flips to JSON's own characters, truncations, spliced
      // slices, deep nesting, ids and numbers of the wrong shape; some compressed.
      byte[] json = mutateJson(r, JSON_SEEDS[s]);
      boolean zstd = r.nextInt(4) == 0;
      return new Input("json", "POST", path, r.nextBoolean() ? JSON
          : JSON + "; charset=utf-8", zstd ? "zstd" : null,
          zstd ? com.github.luben.zstd.Zstd.compress(json) : json, false);
    }
    if (roll < 32) {
      // Just over max_request_body_size, plain or as a gzip bomb.
      return r.nextBoolean()
          ? new Input(OVERSIZED, "POST", path, PROTOBUF, null,
              randomBytes(r, MAX_BODY + 1 + r.nextInt(MAX_BODY)), false)
          : new Input("gzip-bomb", "POST", path, PROTOBUF, "gzip",
              gzip(new byte[MAX_BODY * (2 + r.nextInt(30))]), false);
    }
    Input m = mutate(r, seeds[s], s);
    return new Input(m.kind(), "POST", path, PROTOBUF, null, m.body(), false);
  }

  // ---------------------------------------------------------------------------------------
  // gRPC

  @Test
  void grpcReceiverAnswersEveryMalformedMessageWithInvalidArgument() throws Exception {
    CountingConsumer consumer = new CountingConsumer();
    byte[][] seeds = seeds();
    Random r = new Random(SEED ^ 0x6770C);
    Map<Status.Code, LongAdder> codes = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(GRPC_IN_FLIGHT);
    try (GrpcTest.GrpcReceiver receiver = new GrpcTest.GrpcReceiver(consumer, consumer,
        consumer, 1)) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(receiver.endpoint())
          .usePlaintext().maxInboundMessageSize(1 << 20).build();
      long started = System.nanoTime();
      try {
        for (int i = 0; i < GRPC_MESSAGES; i++) {
          int s = r.nextInt(3);
          Input in = grpcInput(r, seeds[s], s);
          CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
          if (in.gzipForGrpc()) {
            options = options.withCompression("gzip");
          }
          inFlight.acquire();
          var future = ClientCalls.futureUnaryCall(
              channel.newCall(OtlpGrpc.method(SIGNALS[s]), options), in.body());
          future.addListener(() -> {
            try {
              Status.Code code;
              try {
                future.get();
                code = Status.Code.OK;
              } catch (ExecutionException e) {
                code = Status.fromThrowable(e.getCause()).getCode();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              codes.computeIfAbsent(code, k -> new LongAdder()).increment();
              if (code != Status.Code.OK && code != Status.Code.INVALID_ARGUMENT
                  && code != Status.Code.RESOURCE_EXHAUSTED) {
                failures.add(code + " for " + describe(in));
              }
            } finally {
              inFlight.release();
            }
          }, Runnable::run);
        }
        inFlight.acquire(GRPC_IN_FLIGHT);
        inFlight.release(GRPC_IN_FLIGHT);
        long elapsed = System.nanoTime() - started;
        System.out.printf("ReceiverFuzzTest gRPC: %d messages in %.1f s (%.0f/s, %d in flight),"
                + " codes %s%n", GRPC_MESSAGES, elapsed / 1e9,
            GRPC_MESSAGES / (elapsed / 1e9), GRPC_IN_FLIGHT, sorted(codes));

        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first ones: "
            + failures.stream().limit(5).toList());
        long total = codes.values().stream().mapToLong(LongAdder::sum).sum();
        assertEquals(GRPC_MESSAGES, total, "every call answered");
        long ok = count(codes, Status.Code.OK);
        assertTrue(count(codes, Status.Code.INVALID_ARGUMENT) > GRPC_MESSAGES / 2,
            "mostly malformed: " + codes);
        assertTrue(count(codes, Status.Code.RESOURCE_EXHAUSTED) > 0, "some oversized: " + codes);
        assertEquals(ok, consumer.batches.sum(), "each OK delivered one batch");

        // Service goes on.
        byte[] answer = ClientCalls.blockingUnaryCall(channel, OtlpGrpc.method(Signal.LOGS),
            CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), seeds[0]);
        assertEquals(0, answer.length);
        assertEquals(ok + 1, consumer.batches.sum());
      } catch (StatusRuntimeException e) {
        fail("the final valid call failed: " + e.getStatus());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Input grpcInput(Random r, byte[] seed, int s) {
    int roll = r.nextInt(100);
    if (roll < 2) {
      return new Input("too-large", "grpc", "", null, null,
          randomBytes(r, (1 << 20) + 1 + r.nextInt(64)), false);
    }
    if (roll < 12) {
      // Compressed on the wire by gRPC itself: the server inflates garbage or a mutation.
      byte[] body = r.nextBoolean() ? randomBytes(r, 1 + r.nextInt(4096))
          : mutate(r, seed, s).body();
      return new Input("gzip", "grpc", "", null, null, body, true);
    }
    Input m = mutate(r, seed, s);
    return new Input(m.kind(), "grpc", "", null, null, m.body(), false);
  }

  // ---------------------------------------------------------------------------------------
  // Mutations

  /** A mutation of {@code valid} (an OTLP message), named by its kind. */
  private static final String JSON = "application/json";
  private static final byte[][] JSON_SEEDS = jsonSeeds();

  private static byte[][] jsonSeeds() {
    dev.tapio.otlp.OtlpJsonEncoder e = new dev.tapio.otlp.OtlpJsonEncoder();
    byte[][] out = new byte[3][];
    e.encode(Samples.logs(0, 5));
    out[0] = e.toByteArray();
    e.encode(Samples.metrics());
    out[1] = e.toByteArray();
    e.encode(Samples.traces());
    out[2] = e.toByteArray();
    return out;
  }

  private static final byte[] JSON_BYTES = "{}[]\":,0-9eE.+nulltruefalse \\\u0000\u00ff"
      .getBytes(StandardCharsets.ISO_8859_1);

  private static byte[] mutateJson(Random r, byte[] valid) {
    byte[] b = valid.clone();
    switch (r.nextInt(5)) {
      case 0 -> {
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
          b[r.nextInt(b.length)] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
        }
      }
      case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
      case 2 -> {
        int from = r.nextInt(b.length);
        int to = from + r.nextInt(b.length - from);
        int at = r.nextInt(b.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.write(b, from, to - from);
        out.write(b, at, b.length - at);
        b = out.toByteArray();
      }
      case 3 -> {
        int depth = 1 + r.nextInt(5000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        b = ("{\"resourceLogs\":" + open.repeat(depth)).getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        String text = new String(b, StandardCharsets.UTF_8);
        String[] from = {"\"traceId\":\"", "\"intValue\":\"", "\"timeUnixNano\":\"",
            "\"severityNumber\":", "\"kind\":", "\"count\":\""};
        String[] to = {"\"traceId\":\"zz", "\"intValue\":\"9999999999999999999999",
            "\"timeUnixNano\":\"-", "\"severityNumber\":1e400,\"x\":", "\"kind\":[],\"y\":",
            "\"count\":\"1.5"};
        int k = r.nextInt(from.length);
        b = text.replace(from[k], to[k]).getBytes(StandardCharsets.UTF_8);
      }
    }
    return b;
  }

  private static Input mutate(Random r, byte[] valid, int signal) {
    int roll = r.nextInt(9);
    String kind;
    byte[] body;
    switch (roll) {
      case 0 -> {
        kind = "random";
        body = randomBytes(r, r.nextInt(2048));
      }
      case 1 -> {
        kind = "bit-flip";
        body = valid.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips && body.length > 0; i++) {
          body[r.nextInt(body.length)] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 2 -> {
        kind = "truncate";
        body = Arrays.copyOf(valid, valid.length == 0 ? 0 : r.nextInt(valid.length));
      }
      case 3, 4 -> {
        kind = "length-prefix";
        body = corruptLength(r, valid);
      }
      case 5 -> {
        kind = "huge-varint";
        body = hugeVarint(r, valid);
      }
      case 6 -> {
        kind = "deep-nesting";
        body = deepAnyValue(signal, r.nextInt(4) == 0 ? 1 + r.nextInt(40) : 40 + r.nextInt(5000));
      }
      case 7 -> {
        kind = "splice";
        int cut = r.nextInt(valid.length + 1);
        int from = r.nextInt(valid.length + 1);
        body = concat(Arrays.copyOf(valid, cut), Arrays.copyOfRange(valid, from, valid.length));
      }
      default -> {
        kind = "byte-overwrite";
        body = valid.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && body.length > 0; i++) {
          byte[] special = {0, (byte) 0xFF, (byte) 0x80, 0x7F, 0x0A, 0x12, 0x1A, 0x22};
          body[r.nextInt(body.length)] = special[r.nextInt(special.length)];
        }
      }
    }
    return new Input(kind, "POST", "", PROTOBUF, null, body, false);
  }

  /** Rewrites one length prefix of a nested length-delimited field. */
  private static byte[] corruptLength(Random r, byte[] valid) {
    List<int[]> prefixes = new ArrayList<>();
    scan(valid, 0, valid.length, 0, prefixes);
    if (prefixes.isEmpty()) {
      return valid.clone();
    }
    int[] p = prefixes.get(r.nextInt(prefixes.size()));
    long old = readVarint(valid, p[0]);
    long value = switch (r.nextInt(7)) {
      case 0 -> old + 1;
      case 1 -> Math.max(0, old - 1);
      case 2 -> 0;
      case 3 -> old + 1 + r.nextInt(1 << 20);
      case 4 -> 0xFFFF_FFFFL; // above int range once read as unsigned
      case 5 -> -1L; // a negative int32 as a ten-byte varint
      default -> Long.MAX_VALUE;
    };
    return concat(Arrays.copyOf(valid, p[0]), varint(value),
        Arrays.copyOfRange(valid, p[0] + p[1], valid.length));
  }

  /** Inserts an over-long varint, or a tag with a huge field number or a bad wire type. */
  private static byte[] hugeVarint(Random r, byte[] valid) {
    byte[] insert = switch (r.nextInt(4)) {
      case 0 -> {
        byte[] b = new byte[10 + r.nextInt(6)]; // ten bytes is the maximum; more is invalid
        Arrays.fill(b, (byte) 0xFF);
        b[b.length - 1] = (byte) (r.nextBoolean() ? 0x01 : 0x7F);
        yield b;
      }
      case 1 -> concat(varint(((1L << 29) - 1) << 3 | 2), varint(Long.MAX_VALUE));
      case 2 -> new byte[] {(byte) (1 << 3 | 6 + r.nextInt(2))}; // wire types 6, 7
      default -> concat(new byte[] {0x0a}, varint(1L << 40));
    };
    int at = r.nextInt(valid.length + 1);
    return concat(Arrays.copyOf(valid, at), insert, Arrays.copyOfRange(valid, at, valid.length));
  }

  /**
   * Collects {@code {offset, size}} of every length prefix in {@code b[from, to)} read as a
   * message; false when the range does not parse as one (it is then a string or bytes).
   */
  private static boolean scan(byte[] b, int from, int to, int depth, List<int[]> out) {
    int mark = out.size();
    int pos = from;
    while (pos < to) {
      long tag = readVarint(b, pos);
      if (tag < 0 || depth > 40) {
        trim(out, mark);
        return false;
      }
      pos += varintSize(b, pos);
      int wire = (int) (tag & 7);
      if (tag >>> 3 == 0) {
        trim(out, mark);
        return false;
      }
      switch (wire) {
        case 0 -> {
          if (readVarint(b, pos) < 0) {
            trim(out, mark);
            return false;
          }
          pos += varintSize(b, pos);
        }
        case 1 -> pos += 8;
        case 5 -> pos += 4;
        case 2 -> {
          long len = readVarint(b, pos);
          int size = varintSize(b, pos);
          if (len < 0 || pos + size + len > to) {
            trim(out, mark);
            return false;
          }
          out.add(new int[] {pos, size});
          pos += size;
          scan(b, pos, pos + (int) len, depth + 1, out);
          pos += (int) len;
        }
        default -> {
          trim(out, mark);
          return false;
        }
      }
    }
    if (pos != to) {
      trim(out, mark);
      return false;
    }
    return true;
  }

  private static void trim(List<int[]> list, int size) {
    while (list.size() > size) {
      list.removeLast();
    }
  }

  /** The unsigned varint at {@code pos}, or -1 if it runs off the end or past ten bytes. */
  private static long readVarint(byte[] b, int pos) {
    long value = 0;
    for (int shift = 0, i = pos; shift < 64 && i < b.length; shift += 7, i++) {
      value |= (long) (b[i] & 0x7F) << shift;
      if (b[i] >= 0) {
        return value & Long.MAX_VALUE;
      }
    }
    return -1;
  }

  private static int varintSize(byte[] b, int pos) {
    int i = pos;
    while (i < b.length && b[i] < 0) {
      i++;
    }
    return i - pos + 1;
  }

  private static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(10);
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] field(int number, byte[] payload) {
    return concat(varint((long) number << 3 | 2), varint(payload.length), payload);
  }

  /**
   * An export request of {@code signal} (an index into {@link #SIGNALS}) whose one AnyValue is
   * nested {@code depth} arrays deep: the decoder must refuse past its nesting limit rather than
   * recurse without bound.
   */
  private static byte[] deepAnyValue(int signal, int depth) {
    byte[] value = new byte[0]; // an empty AnyValue
    for (int i = 0; i < depth; i++) {
      // AnyValue{array_value(5): ArrayValue{values(1): value}}
      value = field(5, field(1, value));
    }
    byte[] keyValue = concat(field(1, "k".getBytes(StandardCharsets.UTF_8)), field(2, value));
    return switch (SIGNALS[signal]) {
      // request{resource_logs(1){scope_logs(2){log_records(2){body(5)}}}}
      case LOGS -> field(1, field(2, field(2, field(5, value))));
      // request{resource_metrics(1){scope_metrics(2){metrics(2){gauge(5){data_points(1){
      // attributes(7)}}}}}}
      case METRICS -> field(1, field(2, field(2, field(5, field(1, field(7, keyValue))))));
      // request{resource_spans(1){scope_spans(2){spans(2){attributes(9)}}}}
      case TRACES -> field(1, field(2, field(2, field(9, keyValue))));
    };
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String randomToken(Random r) {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789/-+.;= ";
    StringBuilder sb = new StringBuilder("x");
    int n = r.nextInt(20);
    for (int i = 0; i < n; i++) {
      sb.append(chars.charAt(r.nextInt(chars.length())));
    }
    return sb.toString().trim();
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String hex(byte[] b, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, max); i++) {
      sb.append(String.format("%02x", b[i]));
    }
    return b.length > max ? sb + "…" : sb.toString();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // Several rounds: one System.gc() may leave objects awaiting finalization or references
    // being cleared; the minimum is the live set.
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static <K> long count(Map<K, LongAdder> map, K key) {
    LongAdder a = map.get(key);
    return a == null ? 0 : a.sum();
  }

  private static <K> long total(Map<K, LongAdder> map) {
    return map.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private static <K extends Comparable<K>> String sorted(Map<K, LongAdder> map) {
    StringBuilder sb = new StringBuilder("{");
    map.keySet().stream().sorted().forEach(k -> sb.append(sb.length() > 1 ? ", " : "")
        .append(k).append('=').append(map.get(k).sum()));
    return sb.append('}').toString();
  }
}
