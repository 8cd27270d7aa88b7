package org.blindmatch.server.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a submitter declares when starting an upload. Immutable: arrays are copied on the way
 * in and out, and equality compares their contents.
 *
 * <p>The constructor only rejects nulls; {@link SubmissionStore#beginUpload} checks the rest
 * (id syntax, role, digest length, tiers, record count) and reports violations as
 * {@link StoreException.Kind#INVALID_ARGUMENT}.
 *
 * @param submissionId client-chosen id, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}}, unique
 *     across all submitters regardless of letter case
 * @param submitter the authenticated identity of the uploading party
 * @param role 1 report, 2 watchlist
 * @param scopeDigest 32-byte digest of the scope the tokens were derived under
 * @param keyId token key id (hmac) or key epoch (oprf)
 * @param tierNumbers the tiers the records cover, strictly ascending, each 0–255
 * @param expectedRecords the number of 33-byte records the upload will contain
 */
public record UploadSpec(String submissionId, String submitter, int role, byte[] scopeDigest,
    int keyId, int[] tierNumbers, long expectedRecords) {

  /** Role number of a report (platform) submission. */
  public static final int ROLE_REPORT = 1;
  /** Role number of a watchlist (NGO) submission. */
  public static final int ROLE_WATCHLIST = 2;

  /** Ids become file names, so no separators, no leading dot and a bounded length. */
  private static final Pattern SUBMISSION_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /**
   * Whether {@code id} is a well-formed submission id,
   * {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}} (false for null). Such an id is safe as a file
   * name.
   */
  public static boolean isValidSubmissionId(String id) {
    return id != null && SUBMISSION_ID.matcher(id).matches();
  }

  public UploadSpec {
    Objects.requireNonNull(submissionId, "submissionId");
    Objects.requireNonNull(submitter, "submitter");
    scopeDigest = Objects.requireNonNull(scopeDigest, "scopeDigest").clone();
    tierNumbers = Objects.requireNonNull(tierNumbers, "tierNumbers").clone();
  }

  @Override
  public byte[] scopeDigest() {
    return scopeDigest.clone();
  }

  @Override
  public int[] tierNumbers() {
    return tierNumbers.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UploadSpec s
        && submissionId.equals(s.submissionId)
        && submitter.equals(s.submitter)
        && role == s.role
        && Arrays.equals(scopeDigest, s.scopeDigest)
        && keyId == s.keyId
        && Arrays.equals(tierNumbers, s.tierNumbers)
        && expectedRecords == s.expectedRecords;
  }

  @Override
  public int hashCode() {
    return Objects.hash(submissionId, submitter, role, Arrays.hashCode(scopeDigest), keyId,
        Arrays.hashCode(tierNumbers), expectedRecords);
  }

  @Override
  public String toString() {
    return "UploadSpec[submissionId=" + submissionId + ", submitter=" + submitter
        + ", role=" + role + ", scopeDigest=" + HexFormat.of().formatHex(scopeDigest)
        + ", keyId=" + keyId + ", tierNumbers=" + Arrays.toString(tierNumbers)
        + ", expectedRecords=" + expectedRecords + "]";
  }
}
