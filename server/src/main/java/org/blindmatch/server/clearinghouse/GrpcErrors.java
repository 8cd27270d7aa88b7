package org.blindmatch.server.clearinghouse;

import com.google.rpc.QuotaFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import org.blindmatch.core.transport.ErrorDetails;
import org.blindmatch.server.store.StoreException;

/**
 * The one place where clearinghouse errors become gRPC statuses: a
 * {@link ClearinghouseException} by its code, a {@link StoreException} by its kind, each with
 * the exception's message as the description and a {@code google.rpc.ErrorInfo} whose reason
 * is the code's name (or {@code STORE_} and the kind's name; an upload quota refusal has
 * {@code UPLOAD_QUOTA_EXCEEDED} and a {@code QuotaFailure}; PROTOCOL.md §10). The service
 * adapters use nothing else.
 */
final class GrpcErrors {
  private GrpcErrors() {}

  /** A unary call's body: the response, or a domain or store error. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws ClearinghouseException, StoreException;
  }

  /** Runs {@code call} and completes {@code response} with its result or its mapped error. */
  static <T> void respond(StreamObserver<T> response, Call<T> call) {
    T result;
    try {
      result = call.run();
    } catch (ClearinghouseException | StoreException e) {
      response.onError(toStatus(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  /** The status of a domain or store error; anything else is a bug and reported INTERNAL. */
  static StatusRuntimeException toStatus(Exception e) {
    if (e instanceof ClearinghouseException c && c.quota() != null) {
      ClearinghouseException.Quota q = c.quota();
      return ErrorDetails.error(Status.RESOURCE_EXHAUSTED.withDescription(c.getMessage()),
          ErrorDetails.REASON_UPLOAD_QUOTA_EXCEEDED, Map.of("limit", q.limit(),
              "quota", Long.toString(q.quota()), "used", Long.toString(q.used()),
              "requested", Long.toUnsignedString(q.requested())),
          QuotaFailure.newBuilder().addViolations(QuotaFailure.Violation.newBuilder()
              .setSubject(q.limit()).setDescription(c.getMessage())).build());
    }
    if (e instanceof ClearinghouseException c) {
      return ErrorDetails.error(status(c.code()).withDescription(c.getMessage()),
          c.code().name(), Map.of());
    }
    if (e instanceof StoreException s) {
      return ErrorDetails.error(status(s.kind()).withDescription(s.getMessage()),
          "STORE_" + s.kind().name(), Map.of());
    }
    return Status.INTERNAL.withDescription("unexpected " + e.getClass().getSimpleName())
        .asRuntimeException();
  }

  static Status status(ClearinghouseException.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case OUT_OF_RANGE -> Status.OUT_OF_RANGE;
      case DATA_LOSS -> Status.DATA_LOSS;
      case INTERNAL -> Status.INTERNAL;
    };
  }

  static Status status(StoreException.Kind kind) {
    return switch (kind) {
      case CONFLICT, ALREADY_COMMITTED -> Status.ALREADY_EXISTS;
      case OUT_OF_ORDER, DUPLICATE_CHUNK, INCOMPLETE, PURGED -> Status.FAILED_PRECONDITION;
      case BAD_CHUNK, TOO_MANY_RECORDS, INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case CORRUPT -> Status.DATA_LOSS;
      // The disk or the metadata database failed: the server recovers once the cause is gone
      // (the store replaces a broken connection), so callers retry later.
      case IO -> Status.UNAVAILABLE;
    };
  }
}
