package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.proto.v1.ConsistencyProof;
import org.blindmatch.proto.v1.GetEntriesResponse;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.VerifierKey;
import org.blindmatch.proto.v1.CheckpointNote;
import java.util.OptionalLong;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.SubmissionStore;

/**
 * The transparency log for auditors: signed tree heads, proofs and entries, and the committed
 * records of a submission for audit replay. Sizes and indices are checked against the current
 * tree before anything is computed. They are uint64 on the wire and compared as such
 * ({@link Long#compareUnsigned}; a Java {@code long} holding 2^63 or more is negative): order
 * between two of them is {@code INVALID_ARGUMENT}, a size or start beyond the tree
 * {@code OUT_OF_RANGE}, as {@code audit.proto} documents. Thread-safe.
 */
final class Audit {
  private final TransparencyLog log;
  private final SubmissionStore store;

  Audit(Clearinghouse ch) {
    this.log = ch.log();
    this.store = ch.submissions();
  }

  /**
   * The C2SP checkpoint of {@code size} (the current size if empty) with the witness
   * cosignatures kept for it in the store.
   *
   * @throws ClearinghouseException {@code FAILED_PRECONDITION} if the log signs no
   *     checkpoints; {@code OUT_OF_RANGE} beyond the tree; {@code INTERNAL} if signing fails
   */
  CheckpointNote checkpoint(OptionalLong size) throws ClearinghouseException, StoreException {
    long at = size.isPresent() ? size.getAsLong() : log.size();
    signedCheckpoint(at); // the checks: checkpoints signed, size within the tree
    try {
      return CheckpointNote.newBuilder().setNote(log.cosignedCheckpoint(at).format()).build();
    } catch (GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "cannot sign the checkpoint", e);
    }
  }

  /**
   * Keeps a witness's cosignature of the checkpoint of {@code size} once it verifies over
   * this log's own checkpoint of that size under {@code witnessKey}, durably in the store
   * (served after a restart; a witness's first cosignature of a size stays).
   *
   * @return how many witnesses have now cosigned that checkpoint
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} if the key or line is malformed,
   *     or the cosignature is not by that key over that checkpoint; others as
   *     {@link #checkpoint}
   */
  int addCosignature(long size, String witnessKey, String line)
      throws ClearinghouseException, StoreException {
    SignedNote note = signedCheckpoint(size);
    VerifierKey witness;
    SignedNote cosigned;
    try {
      witness = VerifierKey.parse(witnessKey, VerifierKey.Type.COSIGNATURE_V1);
      cosigned = SignedNote.parse(note.text() + "\n" + line);
    } catch (ClaimVerificationException e) {
      throw ClearinghouseException.invalid("witness_key/cosignature: " + e.getMessage());
    }
    if (cosigned.signatures().size() != 1 || !witness.signed(cosigned.signatures().get(0))) {
      throw ClearinghouseException.invalid("the cosignature line is not one signature of "
          + witness.name() + " with its key id");
    }
    try {
      if (Checkpoints.cosignatures(cosigned, List.of(witness)).size() != 1) {
        throw new IllegalStateException("a matching line verified to no cosignature");
      }
    } catch (ClaimVerificationException e) {
      throw ClearinghouseException.invalid(e.getMessage() + " of size " + size);
    }
    log.keepCosignature(size, witness.format(), cosigned.signatures().get(0));
    return log.cosignatureCount(size);
  }

  private SignedNote signedCheckpoint(long size) throws ClearinghouseException {
    if (!log.signsCheckpoints()) {
      throw ClearinghouseException.failedPrecondition("this clearinghouse signs no "
          + "checkpoints");
    }
    requireWithinTree(size, "tree_size"); // uint64: 2^63 and above are beyond too
    try {
      return log.checkpoint(size);
    } catch (GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "cannot sign the checkpoint", e);
    }
  }

  /** @throws ClearinghouseException {@code INTERNAL} if signing fails */
  SignedTreeHead signedTreeHead() throws ClearinghouseException {
    try {
      return log.signedTreeHead();
    } catch (GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "cannot sign the tree head", e);
    }
  }

  /**
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} unless 0 <= first <= second;
   *     {@code OUT_OF_RANGE} if second is beyond the tree
   */
  ConsistencyProof consistencyProof(long first, long second) throws ClearinghouseException {
    if (Long.compareUnsigned(first, second) > 0) {
      throw ClearinghouseException.invalid("sizes must satisfy 0 <= first <= second");
    }
    requireWithinTree(second, "second");
    return ConsistencyProof.newBuilder()
        .addAllHashes(bytes(log.consistencyProof(first, second))).build();
  }

  /**
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} unless 0 <= index < treeSize;
   *     {@code OUT_OF_RANGE} if treeSize is beyond the tree
   */
  InclusionProof inclusionProof(long index, long treeSize) throws ClearinghouseException {
    if (Long.compareUnsigned(index, treeSize) >= 0) {
      throw ClearinghouseException.invalid(
          "index and tree size must satisfy 0 <= index < tree_size");
    }
    requireWithinTree(treeSize, "tree_size");
    return InclusionProof.newBuilder().setIndex(index).setTreeSize(treeSize)
        .addAllHashes(bytes(log.inclusionProof(index, treeSize))).build();
  }

  /**
   * Entries {@code [start, end)}, at most {@link Limits#MAX_LOG_ENTRIES_PER_PAGE} of them.
   *
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} unless 0 <= start <= end;
   *     {@code OUT_OF_RANGE} if start is beyond the tree
   */
  GetEntriesResponse entries(long start, long end)
      throws ClearinghouseException, StoreException {
    if (Long.compareUnsigned(start, end) > 0) {
      throw ClearinghouseException.invalid("range must satisfy 0 <= start <= end");
    }
    requireWithinTree(start, "start");
    // start <= the tree size < 2^63 here, so the page end cannot overflow.
    long pageEnd = start + Limits.MAX_LOG_ENTRIES_PER_PAGE;
    GetEntriesResponse.Builder out = GetEntriesResponse.newBuilder();
    for (byte[] e : log.entries(start,
        Long.compareUnsigned(end, pageEnd) < 0 ? end : pageEnd)) {
      out.addEntries(ByteString.copyFrom(e));
    }
    return out.build();
  }

  /**
   * The committed records of {@code submitter}'s submission {@code submissionId}; the caller
   * closes the stream, and must read it to the end to have the body checked.
   *
   * @throws ClearinghouseException {@code NOT_FOUND} if there is no such committed submission;
   *     {@code FAILED_PRECONDITION} if its records were purged; {@code INVALID_ARGUMENT} for a
   *     malformed id
   */
  InputStream submissionRecords(String submitter, String submissionId)
      throws ClearinghouseException, StoreException {
    String storeId = SubmissionIds.storeId(submitter, submissionId);
    Optional<StoredSubmission> found = store.find(storeId);
    if (found.isEmpty()) {
      throw new ClearinghouseException(Code.NOT_FOUND, "no committed submission "
          + submissionId + " of " + submitter);
    }
    if (found.get().purged()) {
      throw ClearinghouseException.failedPrecondition("the token data of submission "
          + submissionId + " of " + submitter + " was purged at "
          + found.get().expiresAt() + "; only its commitment is kept");
    }
    return store.openRecords(storeId);
  }

  /** What to report when reading a submission's records fails midway (a body mismatch). */
  static ClearinghouseException unreadableRecords(String submissionId) {
    return new ClearinghouseException(Code.DATA_LOSS, "the stored records of submission "
        + submissionId + " cannot be read intact");
  }

  private void requireWithinTree(long value, String what) throws ClearinghouseException {
    long size = log.size();
    if (Long.compareUnsigned(value, size) > 0) {
      throw new ClearinghouseException(Code.OUT_OF_RANGE, what + " "
          + Long.toUnsignedString(value) + " is beyond the current tree size " + size);
    }
  }

  private static List<ByteString> bytes(List<byte[]> hashes) {
    return hashes.stream().map(ByteString::copyFrom).toList();
  }
}
