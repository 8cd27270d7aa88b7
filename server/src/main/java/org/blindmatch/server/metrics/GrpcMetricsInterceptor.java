package org.blindmatch.server.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records each call once, when the server closes it with a status or the client cancels it
 * (code CANCELLED). Installed outermost, so calls refused by authentication or authorization
 * are counted too. Thread-safe.
 */
final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final ServerMetrics metrics;

  GrpcMetricsInterceptor(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    long start = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    Runnable cancelled = () -> {
      if (recorded.compareAndSet(false, true)) {
        metrics.call(method, Status.Code.CANCELLED.name(), System.nanoTime() - start);
      }
    };
    ServerCall<ReqT, RespT> counted = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (recorded.compareAndSet(false, true)) {
          metrics.call(method, status.getCode().name(), System.nanoTime() - start);
        }
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
      @Override
      public void onCancel() {
        cancelled.run();
        super.onCancel();
      }
    };
  }
}
