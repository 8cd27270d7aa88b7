package org.blindmatch.core.claims;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.blindmatch.crypto.sign.NodeSigner;

/**
 * The kinds of signed claim and the fixed signing context of each. Every node signature in
 * blindmatch is computed over {@code context ‖ 0x00 ‖ message}, where {@code context} is the
 * ASCII string of the claim's kind (docs/PROTOCOL.md §5, "Signing contexts"), so that no signed
 * object of one kind verifies as another even though one node key signs several kinds.
 * Thread-safe.
 */
public enum ClaimKind {
  /** A submitter's commitment to a submission (signed by the submitter). */
  COMMITMENT("blindmatch/v1/commitment", "commitment"),
  /** The clearinghouse's receipt for a committed submission. */
  RECEIPT("blindmatch/v1/receipt", "receipt"),
  /** The clearinghouse's transcript of a match run. */
  TRANSCRIPT("blindmatch/v1/transcript", "transcript"),
  /** The clearinghouse's signed head of the transparency log. */
  TREE_HEAD("blindmatch/v1/tree-head", "tree head");

  private final String context;
  private final String label;
  private final byte[] prefix;

  ClaimKind(String context, String label) {
    this.context = context;
    this.label = label;
    byte[] ascii = context.getBytes(StandardCharsets.US_ASCII);
    this.prefix = Arrays.copyOf(ascii, ascii.length + 1); // trailing 0x00 separator
  }

  /** The context string, e.g. {@code blindmatch/v1/receipt}. */
  public String context() {
    return context;
  }

  /** The bytes a signature of this kind covers: {@code context ‖ 0x00 ‖ message}. */
  public byte[] signingInput(byte[] message) {
    byte[] input = Arrays.copyOf(prefix, prefix.length + message.length);
    System.arraycopy(message, 0, input, prefix.length, message.length);
    return input;
  }

  /** Signs {@code message} as a claim of this kind. */
  public byte[] sign(NodeSigner signer, byte[] message) throws GeneralSecurityException {
    return signer.sign(signingInput(message));
  }

  /**
   * Verifies {@code signature} over {@code message} as a claim of this kind.
   *
   * @throws ClaimVerificationException naming {@code what} if it does not verify
   */
  public void verify(NodeSigner.Verifier key, byte[] message, byte[] signature, String what)
      throws ClaimVerificationException {
    try {
      key.verify(signingInput(message), signature);
    } catch (GeneralSecurityException e) {
      throw new ClaimVerificationException(what + ": the " + label + " signature does not verify",
          e);
    }
  }

  /**
   * A verifier for a public keyset in Tink JSON.
   *
   * @throws ClaimVerificationException if the keyset is malformed or holds secret material
   */
  static NodeSigner.Verifier key(String publicKeysetJson) throws ClaimVerificationException {
    try {
      return NodeSigner.verifier(publicKeysetJson);
    } catch (GeneralSecurityException e) {
      throw new ClaimVerificationException("the public signing keyset does not load: "
          + e.getMessage(), e);
    }
  }
}
