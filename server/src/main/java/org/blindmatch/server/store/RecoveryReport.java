package org.blindmatch.server.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code SegmentSubmissionStore.open} repaired after an unclean shutdown, by
 * submission id (or, for files moved aside, by path relative to the data directory), for the
 * operator's log. All lists are empty after a clean shutdown.
 *
 * @param truncatedUploads uploads whose staged file had bytes beyond the last durably
 *     recorded chunk (a torn or unrecorded write); cut back, resumable from their sequence
 * @param resetUploads uploads whose staged file was missing or shorter than recorded (lost
 *     data; a shorter file is moved aside); reset to sequence 0
 * @param restoredUploads uploads whose commit was interrupted after the file was moved into
 *     {@code segments/}; moved back, complete and ready to commit again
 * @param deletedStagedFiles empty staged files without an upload (a begin interrupted
 *     before its row was written)
 * @param deletedSegments segment files of purged submissions (a purge interrupted)
 * @param movedAside files the store could not account for, moved to {@link #orphanDirectory}
 *     (paths relative to the data directory, as they were before the move)
 * @param orphanDirectory where {@code movedAside} went, or null if nothing was moved
 */
public record RecoveryReport(List<String> truncatedUploads, List<String> resetUploads,
    List<String> restoredUploads, List<String> deletedStagedFiles,
    List<String> deletedSegments, List<String> movedAside, Path orphanDirectory) {

  public RecoveryReport {
    truncatedUploads = List.copyOf(truncatedUploads);
    resetUploads = List.copyOf(resetUploads);
    restoredUploads = List.copyOf(restoredUploads);
    deletedStagedFiles = List.copyOf(deletedStagedFiles);
    deletedSegments = List.copyOf(deletedSegments);
    movedAside = List.copyOf(movedAside);
  }

  /** Whether nothing needed repair. */
  public boolean clean() {
    return truncatedUploads.isEmpty() && resetUploads.isEmpty() && restoredUploads.isEmpty()
        && deletedStagedFiles.isEmpty() && deletedSegments.isEmpty() && movedAside.isEmpty();
  }

  /** One line per kind of repair, for the server's log; empty if {@link #clean()}. */
  public List<String> describe() {
    List<String> lines = new java.util.ArrayList<>();
    add(lines, "uploads cut back to their last acknowledged chunk", truncatedUploads);
    add(lines, "uploads reset to chunk 0 (staged data lost)", resetUploads);
    add(lines, "interrupted commits restored to staging", restoredUploads);
    add(lines, "empty staged files without an upload deleted", deletedStagedFiles);
    add(lines, "segments of purged submissions deleted", deletedSegments);
    if (!movedAside.isEmpty()) {
      add(lines, "files the store cannot account for moved aside to " + orphanDirectory
          + " (inspect, then delete or restore them)", movedAside);
    }
    return lines;
  }

  private static void add(List<String> lines, String what, List<String> items) {
    if (!items.isEmpty()) {
      lines.add("store recovery: " + what + ": " + String.join(", ", items));
    }
  }
}
