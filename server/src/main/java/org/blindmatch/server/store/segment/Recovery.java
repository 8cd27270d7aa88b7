package org.blindmatch.server.store.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.RecoveryReport;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.files.DurableFiles;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.jdbc.UploadRow;

/**
 * Reconciles the data directory with the metadata after an unclean shutdown, before the store
 * accepts calls. The metadata is authoritative because every file change is made durable
 * before the row that depends on it:
 *
 * <ul>
 *   <li>a committed, unpurged submission must have its segment at the committed length,
 *       otherwise opening fails and nothing is changed;
 *   <li>a segment without a live submission is the remains of an interrupted purge (deleted)
 *       or of a commit interrupted between rename and metadata transaction (moved back to
 *       staging if its upload is complete and has no staged file, deleted otherwise);
 *   <li>a staged file without an upload row is deleted;
 *   <li>a staged file longer than its upload's durable length is cut back to it; one that is
 *       missing or shorter (lost data) resets the upload to sequence 0.
 * </ul>
 */
final class Recovery {
  private final DataDir dir;
  private final MetadataDb db;
  private final List<String> truncated = new ArrayList<>();
  private final List<String> reset = new ArrayList<>();
  private final List<String> restored = new ArrayList<>();
  private final List<String> deletedStaged = new ArrayList<>();
  private final List<String> deletedSegments = new ArrayList<>();

  private Recovery(DataDir dir, MetadataDb db) {
    this.dir = dir;
    this.db = db;
  }

  /**
   * Runs recovery.
   *
   * @throws StoreException {@code CORRUPT} naming the file if a committed segment is missing
   *     or has the wrong length; {@code IO}
   */
  static RecoveryReport run(DataDir dir, MetadataDb db) throws StoreException {
    return new Recovery(dir, db).run();
  }

  private RecoveryReport run() throws StoreException {
    Map<String, StoredSubmission> submissions = new HashMap<>();
    for (StoredSubmission s : db.listAll()) {
      submissions.put(s.submissionId(), s);
    }
    Map<String, UploadRow> uploads = new HashMap<>();
    for (UploadRow u : db.allUploads()) {
      uploads.put(u.submissionId(), u);
    }
    try {
      checkCommittedSegments(submissions);
      reconcileSegments(submissions, uploads);
      deleteStrayStagedFiles(uploads);
      reconcileUploads(uploads);
      if (!(restored.isEmpty() && deletedSegments.isEmpty())) {
        DurableFiles.fsyncDirectory(dir.segmentsDir());
      }
      DurableFiles.fsyncDirectory(dir.stagingDir());
    } catch (IOException e) {
      throw new StoreException(Kind.IO, dir.root() + ": recovery failed: " + e, e);
    }
    for (List<String> ids : List.of(truncated, reset, restored, deletedStaged, deletedSegments)) {
      Collections.sort(ids);
    }
    return new RecoveryReport(truncated, reset, restored, deletedStaged, deletedSegments);
  }

  /** Runs first and changes nothing, so a misconfigured directory is refused intact. */
  private void checkCommittedSegments(Map<String, StoredSubmission> submissions)
      throws IOException, StoreException {
    for (StoredSubmission s : submissions.values()) {
      if (s.purged()) {
        continue;
      }
      Path segment = dir.segment(s.submissionId());
      if (!Files.isRegularFile(segment)) {
        throw new StoreException(Kind.CORRUPT, "segment file " + segment
            + " of committed submission " + s.submissionId() + " is missing");
      }
      long expected = s.records() * TokenRecord.LENGTH;
      long size = Files.size(segment);
      if (size != expected) {
        throw new StoreException(Kind.CORRUPT, "segment file " + segment + " of committed"
            + " submission " + s.submissionId() + " has " + size + " bytes, expected "
            + expected);
      }
    }
  }

  private void reconcileSegments(Map<String, StoredSubmission> submissions,
      Map<String, UploadRow> uploads) throws IOException {
    for (String id : DataDir.idsIn(dir.segmentsDir(), DataDir.SEGMENT_SUFFIX)) {
      StoredSubmission s = submissions.get(id);
      if (s != null && !s.purged()) {
        continue;
      }
      Path segment = dir.segment(id);
      UploadRow u = uploads.get(id);
      if (s == null && u != null && u.complete() && !Files.exists(dir.staged(id))
          && Files.size(segment) == u.durableLength()) {
        DurableFiles.moveAtomic(segment, dir.staged(id));
        restored.add(id);
      } else {
        Files.delete(segment);
        deletedSegments.add(id);
      }
    }
  }

  private void deleteStrayStagedFiles(Map<String, UploadRow> uploads) throws IOException {
    for (String id : DataDir.idsIn(dir.stagingDir(), DataDir.STAGED_SUFFIX)) {
      if (!uploads.containsKey(id)) {
        Files.delete(dir.staged(id));
        deletedStaged.add(id);
      }
    }
  }

  private void reconcileUploads(Map<String, UploadRow> uploads)
      throws IOException, StoreException {
    for (UploadRow u : uploads.values()) {
      String id = u.submissionId();
      Path staged = dir.staged(id);
      long size = Files.isRegularFile(staged) ? Files.size(staged) : -1;
      if (size < u.durableLength()) {
        DurableFiles.createEmpty(staged);
        db.resetUpload(id, 0, 0);
        reset.add(id);
      } else if (size > u.durableLength()) {
        DurableFiles.truncate(staged, u.durableLength());
        truncated.add(id);
      }
    }
  }
}
