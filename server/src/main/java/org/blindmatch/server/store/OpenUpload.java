package org.blindmatch.server.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An upload in progress, as quotas and idle expiry see it.
 *
 * @param submissionId the store id
 * @param submitter the submitter's identity URI
 * @param expectedRecords the record count declared at begin
 * @param recordsReceived records durably stored so far
 * @param lastActivity when it was last begun, resumed or sent a chunk
 */
public record OpenUpload(String submissionId, String submitter, long expectedRecords,
    long recordsReceived, Instant lastActivity) {

  public OpenUpload {
    Objects.requireNonNull(submissionId, "submissionId");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(lastActivity, "lastActivity");
  }
}
