package org.blindmatch.server.store;

import org.blindmatch.crypto.tokenfile.TokenRecord;

/** An upload's metadata row: its spec and durable progress. */
record UploadRow(UploadSpec spec, long nextSequence, long durableLength) {

  String submissionId() {
    return spec.submissionId();
  }

  long recordsReceived() {
    return durableLength / TokenRecord.LENGTH;
  }

  boolean complete() {
    return recordsReceived() == spec.expectedRecords();
  }

  UploadState state() {
    return new UploadState(spec.submissionId(), nextSequence, recordsReceived());
  }
}
