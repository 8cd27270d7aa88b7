package org.blindmatch.server.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A committed submission's metadata. Immutable: arrays are copied on the way in and out, and
 * equality compares their contents.
 *
 * @param spec what the submitter declared
 * @param records number of 33-byte records in the segment (equals
 *     {@code spec.expectedRecords()})
 * @param merkleRoot the caller-computed Merkle root over the sorted tokens
 * @param bodySha256 SHA-256 of the segment body as stored, computed by the store on commit
 * @param signature the submitter's signature over the commitment
 * @param receipt the clearinghouse's signed receipt
 * @param committedAt when the submission was committed
 * @param expiresAt when its records become eligible for purging
 * @param purged whether the records were deleted (metadata, root, signature and receipt stay)
 */
public record StoredSubmission(UploadSpec spec, long records, byte[] merkleRoot,
    byte[] bodySha256, byte[] signature, byte[] receipt, Instant committedAt,
    Instant expiresAt, boolean purged) {

  public StoredSubmission {
    Objects.requireNonNull(spec, "spec");
    merkleRoot = Objects.requireNonNull(merkleRoot, "merkleRoot").clone();
    bodySha256 = Objects.requireNonNull(bodySha256, "bodySha256").clone();
    signature = Objects.requireNonNull(signature, "signature").clone();
    receipt = Objects.requireNonNull(receipt, "receipt").clone();
    Objects.requireNonNull(committedAt, "committedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Shorthand for {@code spec().submissionId()}. */
  public String submissionId() {
    return spec.submissionId();
  }

  @Override
  public byte[] merkleRoot() {
    return merkleRoot.clone();
  }

  @Override
  public byte[] bodySha256() {
    return bodySha256.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public byte[] receipt() {
    return receipt.clone();
  }

  /** This submission as it looks once purged. */
  StoredSubmission asPurged() {
    return new StoredSubmission(spec, records, merkleRoot, bodySha256, signature, receipt,
        committedAt, expiresAt, true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSubmission s
        && spec.equals(s.spec)
        && records == s.records
        && Arrays.equals(merkleRoot, s.merkleRoot)
        && Arrays.equals(bodySha256, s.bodySha256)
        && Arrays.equals(signature, s.signature)
        && Arrays.equals(receipt, s.receipt)
        && committedAt.equals(s.committedAt)
        && expiresAt.equals(s.expiresAt)
        && purged == s.purged;
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, records, Arrays.hashCode(merkleRoot), Arrays.hashCode(bodySha256),
        Arrays.hashCode(signature), Arrays.hashCode(receipt), committedAt, expiresAt, purged);
  }

  /** Shows digests in hex and only the lengths of the signature and receipt. */
  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "StoredSubmission[spec=" + spec + ", records=" + records
        + ", merkleRoot=" + hex.formatHex(merkleRoot)
        + ", bodySha256=" + hex.formatHex(bodySha256)
        + ", signature=" + signature.length + " bytes, receipt=" + receipt.length + " bytes"
        + ", committedAt=" + committedAt + ", expiresAt=" + expiresAt
        + ", purged=" + purged + "]";
  }
}
