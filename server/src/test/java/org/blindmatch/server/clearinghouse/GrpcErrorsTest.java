package org.blindmatch.server.clearinghouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Map;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  @Test
  void eachCodeHasItsStatus() {
    for (Code code : Code.values()) {
      StatusRuntimeException e = GrpcErrors.toStatus(new ClearinghouseException(code, "why"));
      assertEquals(Status.Code.valueOf(code.name()), e.getStatus().getCode());
      assertEquals("why", e.getStatus().getDescription());
    }
  }

  @Test
  void eachStoreKindHasItsStatus() {
    Map<Status.Code, EnumSet<Kind>> expected = Map.of(
        Status.Code.ALREADY_EXISTS, EnumSet.of(Kind.CONFLICT, Kind.ALREADY_COMMITTED),
        Status.Code.FAILED_PRECONDITION, EnumSet.of(Kind.OUT_OF_ORDER, Kind.DUPLICATE_CHUNK,
            Kind.INCOMPLETE, Kind.PURGED),
        Status.Code.INVALID_ARGUMENT, EnumSet.of(Kind.BAD_CHUNK, Kind.TOO_MANY_RECORDS,
            Kind.INVALID_ARGUMENT),
        Status.Code.NOT_FOUND, EnumSet.of(Kind.NOT_FOUND),
        Status.Code.DATA_LOSS, EnumSet.of(Kind.CORRUPT),
        Status.Code.UNAVAILABLE, EnumSet.of(Kind.IO));
    int seen = 0;
    for (Map.Entry<Status.Code, EnumSet<Kind>> e : expected.entrySet()) {
      for (Kind kind : e.getValue()) {
        StatusRuntimeException s = GrpcErrors.toStatus(new StoreException(kind, "why"));
        assertEquals(e.getKey(), s.getStatus().getCode(), kind.name());
        // The store's message, kind prefix included, as clients saw it before.
        assertEquals(kind + ": why", s.getStatus().getDescription());
        seen++;
      }
    }
    assertEquals(Kind.values().length, seen, "every kind is mapped");
  }
}
