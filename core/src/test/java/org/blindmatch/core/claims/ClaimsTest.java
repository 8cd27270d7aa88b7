package org.blindmatch.core.claims;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every claim kind signs and verifies through its own class, and a signature of one kind
 * never verifies as another, for every ordered pair of kinds, even though one node key signs
 * them all (the attack: present a receipt's signed bytes as a transcript or tree head).
 */
class ClaimsTest {
  private static NodeSigner key;
  private static NodeSigner other;

  /** A signed claim of some kind, as the bytes and signature that travel. */
  record Signed(byte[] message, byte[] signature) {}

  @BeforeAll
  static void keys() throws Exception {
    key = NodeSigner.of(NodeSigner.generate());
    other = NodeSigner.of(NodeSigner.generate());
  }

  static Commitment commitment() {
    return Commitment.newBuilder().setSubmissionId("s1")
        .setSubmitter("blindmatch://f/platform/a").setRecordCount(3)
        .setMerkleRoot(ByteString.copyFrom(new byte[32])).build();
  }

  /** One claim of each kind, signed by {@code by} through its class. */
  static Map<ClaimKind, Signed> signedByEachKind(NodeSigner by) throws Exception {
    Map<ClaimKind, Signed> out = new EnumMap<>(ClaimKind.class);
    CommitRequest c = Commitments.sign(by, commitment());
    out.put(ClaimKind.COMMITMENT, new Signed(c.getCommitment().toByteArray(),
        c.getSignature().toByteArray()));
    Receipt r = Receipts.sign(by, ReceiptBody.newBuilder().setCommitment(commitment())
        .setClearinghouse("blindmatch://f/clearinghouse/c").build());
    out.put(ClaimKind.RECEIPT, new Signed(r.getBody().toByteArray(),
        r.getSignature().toByteArray()));
    SignedTranscript t = Transcripts.sign(by, RunTranscript.newBuilder().setRunId("run-1")
        .build());
    out.put(ClaimKind.TRANSCRIPT, new Signed(t.getTranscript().toByteArray(),
        t.getSignature().toByteArray()));
    SignedTreeHead h = TreeHeads.sign(by, TreeHead.newBuilder().setTreeSize(1)
        .setRootHash(ByteString.copyFrom(new byte[32])).build());
    out.put(ClaimKind.TREE_HEAD, new Signed(h.getTreeHead().toByteArray(),
        h.getSignature().toByteArray()));
    return out;
  }

  /** Verifies {@code s} as a claim of {@code kind} through that kind's class. */
  static void verifyAs(ClaimKind kind, Signed s, NodeSigner.Verifier v) throws Exception {
    ByteString m = ByteString.copyFrom(s.message());
    ByteString sig = ByteString.copyFrom(s.signature());
    switch (kind) {
      case COMMITMENT -> Commitments.verify(v, s.message(), s.signature());
      case RECEIPT -> Receipts.verify(v, Receipt.newBuilder().setBody(m).setSignature(sig)
          .build());
      case TRANSCRIPT -> Transcripts.verify(v, SignedTranscript.newBuilder().setTranscript(m)
          .setSignature(sig).build());
      case TREE_HEAD -> TreeHeads.verify(v, SignedTreeHead.newBuilder().setTreeHead(m)
          .setSignature(sig).build());
      default -> throw new AssertionError(kind);
    }
  }

  @Test
  void eachKindVerifiesAsItselfOnlyUnderItsSignersKey() throws Exception {
    NodeSigner.Verifier mine = NodeSigner.verifier(key.publicKeysetJson());
    NodeSigner.Verifier theirs = NodeSigner.verifier(other.publicKeysetJson());
    for (Map.Entry<ClaimKind, Signed> e : signedByEachKind(key).entrySet()) {
      verifyAs(e.getKey(), e.getValue(), mine);
      assertThrows(ClaimVerificationException.class,
          () -> verifyAs(e.getKey(), e.getValue(), theirs), e.getKey() + " under another key");
    }
  }

  @Test
  void noKindVerifiesAsAnother() throws Exception {
    NodeSigner.Verifier v = NodeSigner.verifier(key.publicKeysetJson());
    Map<ClaimKind, Signed> signed = signedByEachKind(key);
    int pairs = 0;
    for (ClaimKind as : ClaimKind.values()) {
      for (ClaimKind made : ClaimKind.values()) {
        if (as == made) {
          continue;
        }
        Signed s = signed.get(made);
        // The same bytes signed as `made` must not pass as `as` (whether or not they parse as
        // `as`'s message, the signature check comes first and fails).
        ClaimVerificationException e = assertThrows(ClaimVerificationException.class,
            () -> verifyAs(as, s, v), made + " presented as " + as);
        assertTrue(e.getMessage().contains("signature does not verify"),
            made + " as " + as + ": " + e.getMessage());
        pairs++;
      }
    }
    assertEquals(ClaimKind.values().length * (ClaimKind.values().length - 1), pairs);
  }

  /** tree_size is uint64: up to 2^63 - 1 verifies; 2^63 and 2^64 - 1 are named unsigned. */
  @Test
  void treeHeadSizesAtTheUint64Boundaries() throws Exception {
    NodeSigner.Verifier v = NodeSigner.verifier(key.publicKeysetJson());
    for (long size : new long[] {0, Long.MAX_VALUE}) {
      assertEquals(size, TreeHeads.verify(v, TreeHeads.sign(key, TreeHead.newBuilder()
          .setTreeSize(size).setRootHash(ByteString.copyFrom(new byte[32])).build()))
          .getTreeSize());
    }
    for (long size : new long[] {Long.MIN_VALUE, -1L}) {
      SignedTreeHead h = TreeHeads.sign(key, TreeHead.newBuilder().setTreeSize(size)
          .setRootHash(ByteString.copyFrom(new byte[32])).build());
      ClaimVerificationException e = assertThrows(ClaimVerificationException.class,
          () -> TreeHeads.verify(v, h));
      assertEquals("tree head size " + Long.toUnsignedString(size) + " exceeds 2^63 - 1",
          e.getMessage());
    }
  }

  @Test
  void signingInputIsContextZeroMessage() {
    byte[] m = {1, 2, 3};
    for (ClaimKind k : ClaimKind.values()) {
      byte[] ctx = k.context().getBytes(StandardCharsets.US_ASCII);
      byte[] expected = new byte[ctx.length + 1 + m.length];
      System.arraycopy(ctx, 0, expected, 0, ctx.length);
      System.arraycopy(m, 0, expected, ctx.length + 1, m.length);
      assertArrayEquals(expected, k.signingInput(m), k.name());
    }
  }

  @Test
  void aCommitmentMustBeCanonicallySerialized() throws Exception {
    byte[] canonical = commitment().toByteArray();
    // Field 1 (submission id) once more at the end: it parses (last value wins) but
    // re-serializes without the duplicate, so the log could not carry the signed bytes.
    byte[] duplicated = new byte[canonical.length + 4];
    System.arraycopy(canonical, 0, duplicated, 0, canonical.length);
    duplicated[canonical.length] = 0x0a; // field 1, length-delimited
    duplicated[canonical.length + 1] = 2;
    duplicated[canonical.length + 2] = 's';
    duplicated[canonical.length + 3] = '1';
    byte[] signature = ClaimKind.COMMITMENT.sign(key, duplicated);
    ClaimVerificationException e = assertThrows(ClaimVerificationException.class,
        () -> Commitments.verify(NodeSigner.verifier(key.publicKeysetJson()), duplicated,
            signature));
    assertEquals("the commitment is not canonically serialized", e.getMessage());
  }
}
