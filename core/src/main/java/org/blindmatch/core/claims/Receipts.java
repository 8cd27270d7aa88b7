package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;

/**
 * The clearinghouse's claim "I committed this submission": a {@link ReceiptBody} signed under
 * {@link ClaimKind#RECEIPT}. Signed by the clearinghouse at commit; verified by the submitter
 * (submit, {@code audit check-receipt}) and by the clearinghouse over its own stored receipts
 * before it logs them or runs over them (docs/PROTOCOL.md §5). Thread-safe: stateless.
 */
public final class Receipts {
  private Receipts() {}

  /** Serializes and signs {@code body}. */
  public static Receipt sign(NodeSigner clearinghouse, ReceiptBody body)
      throws GeneralSecurityException {
    byte[] bytes = body.toByteArray();
    return Receipt.newBuilder()
        .setBody(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(ClaimKind.RECEIPT.sign(clearinghouse, bytes)))
        .build();
  }

  /**
   * Verifies {@code receipt} under the clearinghouse's public keyset (Tink JSON) and returns
   * its body.
   *
   * @throws ClaimVerificationException if the keyset does not load, the signature does not
   *     verify, or the body does not parse
   */
  public static ReceiptBody verify(String clearinghouseKeysetJson, Receipt receipt)
      throws ClaimVerificationException {
    return verify(ClaimKind.key(clearinghouseKeysetJson), receipt);
  }

  /** As {@link #verify(String, Receipt)}, with a verifier already built. */
  public static ReceiptBody verify(NodeSigner.Verifier clearinghouse, Receipt receipt)
      throws ClaimVerificationException {
    byte[] body = receipt.getBody().toByteArray();
    ClaimKind.RECEIPT.verify(clearinghouse, body, receipt.getSignature().toByteArray(),
        "receipt");
    try {
      return ReceiptBody.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new ClaimVerificationException("the receipt body does not parse", e);
    }
  }
}
