package org.blindmatch.core.claims;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;

/**
 * The clearinghouse's claim "this run used exactly these inputs and produced these digests": a
 * {@link RunTranscript} signed under {@link ClaimKind#TRANSCRIPT}. Signed by the clearinghouse
 * at the end of a run; verified by every recipient of results, by auditors over every logged
 * transcript, and by the clearinghouse over its own stored transcripts (docs/PROTOCOL.md §5).
 * Thread-safe: stateless.
 */
public final class Transcripts {
  private Transcripts() {}

  /** Serializes and signs {@code transcript}. */
  public static SignedTranscript sign(NodeSigner clearinghouse, RunTranscript transcript)
      throws GeneralSecurityException {
    byte[] bytes = transcript.toByteArray();
    return SignedTranscript.newBuilder()
        .setTranscript(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(ClaimKind.TRANSCRIPT.sign(clearinghouse, bytes)))
        .build();
  }

  /**
   * Verifies {@code signed} under the clearinghouse's public keyset (Tink JSON) and returns the
   * transcript.
   *
   * @throws ClaimVerificationException if the keyset does not load, the signature does not
   *     verify, or the transcript does not parse
   */
  public static RunTranscript verify(String clearinghouseKeysetJson, SignedTranscript signed)
      throws ClaimVerificationException {
    return verify(ClaimKind.key(clearinghouseKeysetJson), signed);
  }

  /** As {@link #verify(String, SignedTranscript)}, with a verifier already built. */
  public static RunTranscript verify(NodeSigner.Verifier clearinghouse, SignedTranscript signed)
      throws ClaimVerificationException {
    byte[] bytes = signed.getTranscript().toByteArray();
    ClaimKind.TRANSCRIPT.verify(clearinghouse, bytes, signed.getSignature().toByteArray(),
        "transcript");
    try {
      return RunTranscript.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ClaimVerificationException("the transcript does not parse", e);
    }
  }
}
