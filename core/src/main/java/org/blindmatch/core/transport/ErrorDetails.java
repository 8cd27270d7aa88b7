package org.blindmatch.core.transport;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;

/**
 * The structured part of a blindmatch server's error (PROTOCOL.md §10): besides its code and
 * description, every refusal carries a {@code google.rpc.ErrorInfo} in the standard
 * {@code grpc-status-details-bin} trailer, with {@link #DOMAIN} and a stable reason, so that a
 * client in any language can tell causes apart without reading the English text. Stateless.
 */
public final class ErrorDetails {
  /** {@code ErrorInfo.domain} of every blindmatch error. */
  public static final String DOMAIN = "blindmatch.org";
  /**
   * A keyholder's evaluation quota would be exceeded; metadata {@code epoch}, {@code quota},
   * {@code remaining}, {@code requested}, plus a {@code google.rpc.QuotaFailure}.
   */
  public static final String REASON_QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
  /**
   * A clearinghouse upload quota would be exceeded; metadata {@code limit} (the configuration
   * key), {@code quota}, {@code used}, {@code requested}, plus a
   * {@code google.rpc.QuotaFailure} whose violation's subject is the limit.
   */
  public static final String REASON_UPLOAD_QUOTA_EXCEEDED = "UPLOAD_QUOTA_EXCEEDED";

  private ErrorDetails() {}

  /**
   * {@code status} (its code and description) with an {@code ErrorInfo} of {@code reason} and
   * {@code metadata}, followed by {@code more} details.
   *
   * @param reason UPPER_SNAKE_CASE, stable across releases (clients match on it)
   */
  public static StatusRuntimeException error(Status status, String reason,
      Map<String, String> metadata, Message... more) {
    com.google.rpc.Status.Builder rpc = com.google.rpc.Status.newBuilder()
        .setCode(status.getCode().value())
        .setMessage(status.getDescription() == null ? "" : status.getDescription())
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN)
            .putAllMetadata(metadata).build()));
    for (Message m : more) {
      rpc.addDetails(Any.pack(m));
    }
    return StatusProto.toStatusRuntimeException(rpc.build());
  }
}
