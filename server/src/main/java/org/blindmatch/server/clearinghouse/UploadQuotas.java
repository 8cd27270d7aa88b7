package org.blindmatch.server.clearinghouse;

import java.time.Duration;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * What one submitter may hold at the clearinghouse (docs/OPERATIONS.md, "Upload quotas"):
 * per submission, the declared record count and its size in bytes; per submitter, the number
 * of uploads in progress and the bytes they declare (what they may still stage); and how long
 * an upload may sit idle before it is removed. Checked when an upload begins, so a refused
 * upload leaves nothing behind. Immutable.
 *
 * @param maxSubmissionRecords {@code max_submission_records}
 * @param maxSubmissionBytes {@code max_submission_bytes} (records × 33)
 * @param maxOpenUploads {@code max_open_uploads_per_submitter}
 * @param maxStagedBytes {@code max_staged_bytes_per_submitter}: the declared bytes of all
 *     of one submitter's uploads in progress, the new one included
 * @param idleExpiry {@code upload_idle_expiry}: an upload without a begin, resume or chunk
 *     for this long is removed
 */
public record UploadQuotas(long maxSubmissionRecords, long maxSubmissionBytes,
    long maxOpenUploads, long maxStagedBytes, Duration idleExpiry) {
  /** Config keys, as in the file. */
  static final String RECORDS = "max_submission_records";
  static final String BYTES = "max_submission_bytes";
  static final String OPEN = "max_open_uploads_per_submitter";
  static final String STAGED = "max_staged_bytes_per_submitter";
  static final String IDLE = "upload_idle_expiry";

  /** 10⁹ records (33 GB) per submission, 8 uploads and 66 GB in progress, 24 h idle. */
  public static final UploadQuotas DEFAULTS = new UploadQuotas(1_000_000_000L,
      1_000_000_000L * TokenRecord.LENGTH, 8, 2_000_000_000L * TokenRecord.LENGTH,
      Duration.ofHours(24));

  public UploadQuotas {
    if (maxSubmissionRecords < 1 || maxSubmissionBytes < TokenRecord.LENGTH
        || maxOpenUploads < 1 || maxStagedBytes < TokenRecord.LENGTH
        || idleExpiry.isNegative() || idleExpiry.isZero()) {
      throw new IllegalArgumentException("upload quotas must be positive");
    }
  }
}
