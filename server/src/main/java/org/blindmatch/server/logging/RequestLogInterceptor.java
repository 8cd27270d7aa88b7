package org.blindmatch.server.logging;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Gives every call a random request id, visible to the code serving it ({@link #current}),
 * returned to the client in the {@code x-request-id} response header, and logged with the
 * method, status code and duration in one INFO line when the call closes (logger
 * {@code org.blindmatch.rpc}). Nothing the caller sent is logged. Thread-safe.
 */
public final class RequestLogInterceptor implements ServerInterceptor {
  /** The logger of the per-RPC lines. */
  public static final String LOGGER = "org.blindmatch.rpc";
  /** The response header carrying the request id. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> REQUEST_ID = Context.key("blindmatch-request-id");
  private static final Logger LOG = Logger.getLogger(LOGGER);

  /** The request id of the call this thread is serving, or null outside a call. */
  public static String current() {
    return REQUEST_ID.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
      Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    String method = call.getMethodDescriptor().getFullMethodName();
    long start = System.nanoTime();
    ServerCall<ReqT, RespT> logged = new SimpleForwardingServerCall<>(call) {
      private boolean headersSent;

      @Override
      public void sendHeaders(Metadata h) {
        h.put(HEADER, id);
        headersSent = true;
        super.sendHeaders(h);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (!headersSent) {
          trailers.put(HEADER, id);
        }
        LogRecord r = new LogRecord(status.isOk() ? Level.INFO : Level.WARNING,
            "rpc {0} {1} {2} ms");
        r.setLoggerName(LOGGER);
        r.setParameters(new Object[] {method, status.getCode().name(),
            (System.nanoTime() - start) / 1_000_000});
        Context previous = Context.current().withValue(REQUEST_ID, id).attach();
        try {
          LOG.log(r);
        } finally {
          Context.current().detach(previous);
        }
        super.close(status, trailers);
      }
    };
    return Contexts.interceptCall(Context.current().withValue(REQUEST_ID, id), logged,
        headers, next);
  }
}
