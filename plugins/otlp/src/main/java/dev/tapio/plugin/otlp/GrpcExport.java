package dev.tapio.plugin.otlp;

import dev.tapio.component.MemoryBudget;
import dev.tapio.component.Signal;
import dev.tapio.otlp.OtlpDecoder;
import io.grpc.Grpc;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The server side of one signal's OTLP/gRPC {@code Export} method, in place of grpc-java's unary
 * stub, so that a message is admitted against the memory budget before it is read, and its
 * reservation is given back however the call ends.
 *
 * <p>Two points of admission: when a call starts and the budget is already spent, it is closed
 * {@code UNAVAILABLE} before its message is even asked for; then the request marshaller, which
 * grpc-java hands the message still undecoded (and still compressed, when it is), reserves its
 * estimate ({@link RequestMemory}): all of it before reading when grpc-java knows the length (an
 * uncompressed message), else buffer by buffer as it decompresses. A refused message is not read
 * and is answered {@code UNAVAILABLE} with a {@code RetryInfo}; so is anything thrown while it
 * is read, decoded or handed on ({@code OutOfMemoryError} included): the client keeps its data,
 * and no thread of the server dies.
 *
 * <p>Threading: grpc-java runs the marshaller's {@code parse} and the listener's callbacks of one
 * call one at a time (never concurrently) on the server's executor; different calls run
 * concurrently. Stateless apart from the listener, which belongs to its call.
 */
final class GrpcExport {
  private static final ServerCall.Listener<Inbound> NOTHING = new ServerCall.Listener<>() {};

  /**
   * A message as the marshaller left it: its bytes and the memory reserved for them, or the
   * status to close the call with (the message unread, nothing reserved).
   */
  record Inbound(byte[] body, RequestMemory memory, Status refusal, Metadata trailers) {}

  private final Signal signal;
  private final OtlpDecoder decoder;
  private final SignalSlots slots;
  private final MethodDescriptor<Inbound, byte[]> method;
  private final ServerStreamTracer tracer = new ServerStreamTracer() {
    @Override
    public void streamClosed(Status status) {
      if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        ReceiverSlot slot = slots.get(signal);
        if (slot != null) {
          slot.tooLarge.add(1);
        }
      }
    }
  };

  GrpcExport(Signal signal, OtlpDecoder decoder, SignalSlots slots) {
    this.signal = signal;
    this.decoder = decoder;
    this.slots = slots;
    this.method = OtlpGrpc.method(signal).toBuilder(new Admitting(), OtlpGrpc.BYTES).build();
  }

  MethodDescriptor<Inbound, byte[]> method() {
    return method;
  }

  /**
   * The stream tracer of this method's calls, one for all of them (it keeps no state): counts
   * every call closed {@code RESOURCE_EXHAUSTED} as {@code too_large}. That is one place for
   * both refusals of an oversized message: grpc-java's, as the message's length arrives (the
   * call's listener is only told it was cancelled), and this class's, as it decompresses.
   */
  ServerStreamTracer tracer() {
    return tracer;
  }

  ServerCallHandler<Inbound, byte[]> handler() {
    return this::start;
  }

  private ServerCall.Listener<Inbound> start(ServerCall<Inbound, byte[]> call, Metadata headers) {
    ReceiverSlot slot = slots.get(signal);
    if (slot == null) {
      close(call, absent(), new Metadata());
      return NOTHING;
    }
    try {
      MemoryBudget budget = slot.memory();
      if (budget.reservedBytes() >= budget.limitBytes()) {
        Inbound refused = unavailable(slot.refusedForMemory(budget));
        close(call, refused.refusal(), refused.trailers());
        return NOTHING;
      }
      // Two, as grpc-java's unary stub asks, so that a second message is seen and refused.
      call.request(2);
      return new Call(call, slot);
    } catch (Throwable t) {
      Inbound failed = unavailable(slot.failed(t));
      close(call, failed.refusal(), failed.trailers());
      return NOTHING;
    }
  }

  /** {@code UNAVAILABLE} with a {@code RetryInfo}, as OTLP asks of a "retry later". */
  static Inbound unavailable(String message) {
    Metadata trailers = new Metadata();
    trailers.put(OtlpGrpc.STATUS_DETAILS, OtlpGrpc.statusWithRetryInfo(
        Status.Code.UNAVAILABLE.value(), message, OtlpHttpServer.RETRY_AFTER_SECONDS));
    return new Inbound(null, null, Status.UNAVAILABLE.withDescription(message), trailers);
  }

  private static Inbound refusal(Status status) {
    return new Inbound(null, null, status, new Metadata());
  }

  /** Closes {@code call}; a call already closed or a transport gone is no failure of ours. */
  private static void close(ServerCall<?, ?> call, Status status, Metadata trailers) {
    try {
      call.close(status, trailers);
    } catch (Throwable ignored) {
      // Cancelled meanwhile, or out of memory again: the client sees the stream end and retries.
    }
  }

  /** Reads a request message within the memory budget; never throws (see {@link Inbound}). */
  private final class Admitting implements MethodDescriptor.Marshaller<Inbound> {
    @Override
    public Inbound parse(InputStream stream) {
      ReceiverSlot slot = slots.get(signal);
      if (slot == null) {
        return refusal(absent());
      }
      RequestMemory memory = new RequestMemory(slot.memory(), false);
      try (stream) {
        // Uncompressed, grpc-java knows the length: all of the estimate before a byte is read.
        long known = stream instanceof KnownLength ? stream.available() : -1;
        if (known >= 0 && !memory.holdBody(known)) {
          return refused(slot, memory);
        }
        byte[] body = memory.read(stream, decoder.maxMessageSize(), 0, known);
        if (body == null || !memory.holdBody(body.length)) {
          return refused(slot, memory);
        }
        if (body.length > decoder.maxMessageSize()) {
          memory.release();
          return tooLarge();
        }
        return new Inbound(body, memory, null, null);
      } catch (StatusRuntimeException e) {
        // grpc-java's limit on a decompressed message (a compression bomb), thrown from read.
        memory.release();
        return e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED ? tooLarge()
            : refusal(e.getStatus());
      } catch (IOException e) {
        memory.release();
        slot.malformed.add(1);
        return refusal(Status.INVALID_ARGUMENT.withDescription("unreadable message: " + e));
      } catch (Throwable t) {
        memory.release();
        return unavailable(slot.failed(t));
      }
    }

    /** Counted as the call closes, by {@link #tracer}. */
    private Inbound tooLarge() {
      return refusal(Status.RESOURCE_EXHAUSTED.withDescription("message larger than "
          + decoder.maxMessageSize() + " bytes, decompressed (max_recv_msg_size_mib)"));
    }

    private Inbound refused(ReceiverSlot slot, RequestMemory memory) {
      memory.release();
      return unavailable(slot.refusedForMemory(memory.budget()));
    }

    @Override
    public InputStream stream(Inbound value) {
      throw new UnsupportedOperationException("server side: requests are only parsed");
    }
  }

  /** One call: holds its message from arrival to half-close; callbacks never concurrent. */
  private final class Call extends ServerCall.Listener<Inbound> {
    private final ServerCall<Inbound, byte[]> call;
    private final ReceiverSlot slot;
    private Inbound request;
    private boolean done;

    Call(ServerCall<Inbound, byte[]> call, ReceiverSlot slot) {
      this.call = call;
      this.slot = slot;
    }

    @Override
    public void onMessage(Inbound message) {
      if (done || request != null) {
        release(message);
        if (!done) {
          done = true;
          release(request);
          request = null;
          close(call, Status.INTERNAL.withDescription("more than one request in a unary call"),
              new Metadata());
        }
        return;
      }
      request = message; // answered at half-close, once the client has sent everything
    }

    @Override
    public void onHalfClose() {
      if (done) {
        return;
      }
      done = true;
      Inbound in = request;
      request = null;
      if (in == null) {
        close(call, Status.INTERNAL.withDescription("half-closed without a request"),
            new Metadata());
        return;
      }
      try {
        answer(in);
      } finally {
        release(in);
      }
    }

    @Override
    public void onCancel() {
      done = true;
      release(request);
      request = null;
    }

    private void answer(Inbound in) {
      if (in.refusal() != null) {
        close(call, in.refusal(), in.trailers());
        return;
      }
      ReceiverSlot.Outcome outcome;
      try {
        outcome = slot.deliver(decoder, in.body(), in.memory(),
            ReceiverSlot.clientOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
      } catch (Throwable t) {
        release(in);
        Inbound failure = unavailable(slot.failed(t));
        close(call, failure.refusal(), failure.trailers());
        return;
      }
      switch (outcome.result()) {
        case ACCEPTED -> {
          try {
            call.sendHeaders(new Metadata());
            call.sendMessage(OtlpGrpc.EMPTY);
          } catch (Throwable ignored) {
            // Delivered; a client that misses the answer sends again (at least once).
          }
          close(call, Status.OK, new Metadata());
        }
        case MALFORMED, PERMANENT -> close(call,
            Status.INVALID_ARGUMENT.withDescription(outcome.message()), new Metadata());
        case RETRYABLE -> {
          Inbound retry = unavailable(outcome.message());
          close(call, retry.refusal(), retry.trailers());
        }
      }
    }

    private static void release(Inbound in) {
      if (in != null && in.memory() != null) {
        in.memory().release();
      }
    }
  }

  /** No consumer for the signal: UNAVAILABLE while one comes or goes, else UNIMPLEMENTED. */
  private Status absent() {
    boolean forNow = slots.absentForNow(signal);
    return (forNow ? Status.UNAVAILABLE : Status.UNIMPLEMENTED)
        .withDescription(SignalSlots.absence(signal, forNow));
  }
}
