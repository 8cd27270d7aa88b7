package org.blindmatch.server.clearinghouse;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.blindmatch.server.store.StoreException;

/** Maps store failures to gRPC statuses a client can act on. */
final class StoreStatus {
  private StoreStatus() {}

  static StatusRuntimeException of(StoreException e) {
    Status status = switch (e.kind()) {
      case CONFLICT, ALREADY_COMMITTED -> Status.ALREADY_EXISTS;
      case OUT_OF_ORDER, DUPLICATE_CHUNK, INCOMPLETE, PURGED -> Status.FAILED_PRECONDITION;
      case BAD_CHUNK, TOO_MANY_RECORDS, INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case CORRUPT -> Status.DATA_LOSS;
      case IO -> Status.INTERNAL;
    };
    return status.withDescription(e.getMessage()).asRuntimeException();
  }
}
