package org.blindmatch.server.store;

import java.util.List;

/**
 * What {@code SegmentSubmissionStore.open} repaired after an unclean shutdown, by
 * submission id, for the operator's log. All lists are empty after a clean shutdown.
 *
 * @param truncatedUploads uploads whose staged file had bytes beyond the last durably
 *     recorded chunk (a torn or unrecorded write); cut back, resumable from their sequence
 * @param resetUploads uploads whose staged file was missing or shorter than recorded (lost
 *     data); reset to sequence 0
 * @param restoredUploads uploads whose commit was interrupted after the file was moved into
 *     {@code segments/}; moved back, complete and ready to commit again
 * @param deletedStagedFiles staged files without an upload (abandoned or never recorded)
 * @param deletedSegments segment files without a live submission (purge or commit
 *     interrupted)
 */
public record RecoveryReport(List<String> truncatedUploads, List<String> resetUploads,
    List<String> restoredUploads, List<String> deletedStagedFiles,
    List<String> deletedSegments) {

  public RecoveryReport {
    truncatedUploads = List.copyOf(truncatedUploads);
    resetUploads = List.copyOf(resetUploads);
    restoredUploads = List.copyOf(restoredUploads);
    deletedStagedFiles = List.copyOf(deletedStagedFiles);
    deletedSegments = List.copyOf(deletedSegments);
  }

  /** Whether nothing needed repair. */
  public boolean clean() {
    return truncatedUploads.isEmpty() && resetUploads.isEmpty() && restoredUploads.isEmpty()
        && deletedStagedFiles.isEmpty() && deletedSegments.isEmpty();
  }
}
