package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.CommitRequest;

/**
 * The submitter's claim "these tokens are my submission": a {@link Commitment} signed with the
 * submitter's node key under {@link ClaimKind#COMMITMENT}. Signed by platforms and NGOs
 * (submit); verified by the clearinghouse before it commits, and by auditors over every
 * logged receipt (docs/PROTOCOL.md §5, THREAT_MODEL "Claims"). Thread-safe: stateless.
 */
public final class Commitments {
  private Commitments() {}

  /** Serializes and signs {@code commitment}. */
  public static CommitRequest sign(NodeSigner submitter, Commitment commitment)
      throws GeneralSecurityException {
    byte[] bytes = commitment.toByteArray();
    return CommitRequest.newBuilder()
        .setCommitment(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(ClaimKind.COMMITMENT.sign(submitter, bytes)))
        .build();
  }

  /**
   * Verifies a commitment's signature under the submitter's public keyset (Tink JSON) and
   * returns the parsed commitment.
   *
   * @throws ClaimVerificationException if the keyset does not load, the signature does not
   *     verify, or the commitment does not parse or is not canonically serialized (so that a
   *     log carrying the parsed message still carries exactly the signed bytes)
   */
  public static Commitment verify(String submitterKeysetJson, CommitRequest request)
      throws ClaimVerificationException {
    return verify(ClaimKind.key(submitterKeysetJson), request.getCommitment().toByteArray(),
        request.getSignature().toByteArray());
  }

  /** As {@link #verify(String, CommitRequest)}, with a verifier already built. */
  public static Commitment verify(NodeSigner.Verifier submitter, byte[] commitment,
      byte[] signature) throws ClaimVerificationException {
    ClaimKind.COMMITMENT.verify(submitter, commitment, signature, "commitment");
    Commitment parsed;
    try {
      parsed = Commitment.parseFrom(commitment);
    } catch (InvalidProtocolBufferException e) {
      throw new ClaimVerificationException("the commitment does not parse", e);
    }
    if (!Arrays.equals(parsed.toByteArray(), commitment)) {
      throw new ClaimVerificationException("the commitment is not canonically serialized");
    }
    return parsed;
  }
}
