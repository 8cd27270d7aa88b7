package org.blindmatch.server.store.jdbc;

import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.UploadState;

/**
 * An upload's metadata row: its spec and durable progress.
 *
 * @param spec what the submitter declared
 * @param nextSequence the next chunk sequence number expected
 * @param durableLength how many bytes of the staged file are durable (a multiple of 33)
 */
public record UploadRow(UploadSpec spec, long nextSequence, long durableLength) {

  /** The upload's submission id. */
  public String submissionId() {
    return spec.submissionId();
  }

  /** The number of records durably received. */
  public long recordsReceived() {
    return durableLength / TokenRecord.LENGTH;
  }

  /** Whether every declared record was received. */
  public boolean complete() {
    return recordsReceived() == spec.expectedRecords();
  }

  /** The progress as callers see it. */
  public UploadState state() {
    return new UploadState(spec.submissionId(), nextSequence, recordsReceived());
  }
}
