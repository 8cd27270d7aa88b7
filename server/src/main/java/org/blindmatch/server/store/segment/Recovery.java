package org.blindmatch.server.store.segment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.LogStorage;
import org.blindmatch.server.store.RecoveryReport;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.files.DurableFiles;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.jdbc.UploadRow;

/**
 * Reconciles the data directory with the metadata and the transparency log after an unclean
 * shutdown, before the store accepts calls. It first checks, changing nothing, that the three
 * account for each other, and refuses the directory ({@link Kind#CORRUPT}, naming what is
 * missing and what to do) if they do not:
 *
 * <ul>
 *   <li>every committed, unpurged submission has its segment at the committed length and with
 *       the SHA-256 recorded at commit;
 *   <li>no segment has a receipt in the log ({@link LogStorage#RECEIPT_KEY_PREFIX}) but no
 *       submission row (a deleted or rolled-back row is refused, never silently forgotten).
 * </ul>
 *
 * <p>Then it repairs only what it can prove harmless, because every file change is made
 * durable before the row that depends on it:
 *
 * <ul>
 *   <li>a segment of a purged submission is the remains of an interrupted purge: deleted;
 *   <li>a segment of a complete upload with no staged file is a commit interrupted between
 *       rename and metadata transaction: moved back to staging;
 *   <li>a staged file longer than its upload's durable length is cut back to it (the tail was
 *       never acknowledged); an empty staged file without an upload row is deleted (a begin
 *       interrupted before its row);
 *   <li>everything else it cannot account for — a segment without submission, upload or
 *       receipt, a non-empty staged file without an upload, a staged file shorter than its
 *       upload says (whose upload is then reset to sequence 0), a file in {@code segments/}
 *       or {@code staging/} that the store never writes — is moved aside to
 *       {@code orphans/<UTC time>/}, never deleted.
 * </ul>
 */
final class Recovery {
  private static final DateTimeFormatter ORPHAN_DIR_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String WHAT_TO_DO = "; nothing was changed. Restore the data directory"
      + " from a backup (blindmatch admin restore; docs/OPERATIONS.md, \"Start-up recovery and"
      + " orphans\"); a directory that no backup holds can only be moved aside to start a new"
      + " store";

  private final DataDir dir;
  private final MetadataDb db;
  private final Instant now;
  private final List<String> truncated = new ArrayList<>();
  private final List<String> reset = new ArrayList<>();
  private final List<String> restored = new ArrayList<>();
  private final List<String> deletedStaged = new ArrayList<>();
  private final List<String> deletedSegments = new ArrayList<>();
  private final List<String> movedAside = new ArrayList<>();
  private Path orphans;

  private Recovery(DataDir dir, MetadataDb db, Instant now) {
    this.dir = dir;
    this.db = db;
    this.now = now;
  }

  /**
   * Runs recovery.
   *
   * @param now names the {@code orphans/} subdirectory if anything is moved aside
   * @throws StoreException {@code CORRUPT} naming the file or submission if the directory,
   *     the metadata and the log do not account for each other (nothing is changed);
   *     {@code IO}
   */
  static RecoveryReport run(DataDir dir, MetadataDb db, Instant now) throws StoreException {
    return new Recovery(dir, db, now).run();
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
    Set<String> receipted = new HashSet<>();
    for (String key : db.logEntryKeys(LogStorage.RECEIPT_KEY_PREFIX)) {
      receipted.add(key.substring(LogStorage.RECEIPT_KEY_PREFIX.length()));
    }
    try {
      checkReceipts(submissions, receipted);
      checkCommittedSegments(submissions);
      reconcileSegments(submissions, uploads);
      reconcileStagedFiles(uploads);
      reconcileUploads(uploads);
      moveAsideStrayFiles(dir.segmentsDir(), DataDir.SEGMENT_SUFFIX);
      moveAsideStrayFiles(dir.stagingDir(), DataDir.STAGED_SUFFIX);
      DurableFiles.fsyncDirectory(dir.segmentsDir());
      DurableFiles.fsyncDirectory(dir.stagingDir());
    } catch (IOException e) {
      throw new StoreException(Kind.IO, dir.root() + ": recovery failed: " + e, e);
    }
    for (List<String> ids : List.of(truncated, reset, restored, deletedStaged, deletedSegments,
        movedAside)) {
      Collections.sort(ids);
    }
    return new RecoveryReport(truncated, reset, restored, deletedStaged, deletedSegments,
        movedAside, orphans);
  }

  /**
   * A segment whose submission row is gone while the log holds its receipt: the metadata lost
   * a commit. (A receipt without row or segment is left to auditors, who check every logged
   * receipt; the store has nothing of it to keep.)
   */
  private void checkReceipts(Map<String, StoredSubmission> submissions, Set<String> receipted)
      throws StoreException, IOException {
    Set<String> missing = new TreeSet<>();
    for (String id : receipted) {
      if (!submissions.containsKey(id) && Files.exists(dir.segment(id))) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw new StoreException(Kind.CORRUPT, "the transparency log holds the receipts of "
          + missing.size() + " submission(s) whose segments are in segments/ but whose rows"
          + " the metadata does not hold (" + abbreviate(missing) + "): the rows were deleted"
          + " or the metadata rolled back" + WHAT_TO_DO);
    }
  }

  private void checkCommittedSegments(Map<String, StoredSubmission> submissions)
      throws IOException, StoreException {
    for (StoredSubmission s : submissions.values()) {
      if (s.purged()) {
        continue;
      }
      Path segment = dir.segment(s.submissionId());
      String which = "segment file " + segment + " of committed submission "
          + s.submissionId();
      if (!Files.isRegularFile(segment)) {
        throw new StoreException(Kind.CORRUPT, which + " is missing" + WHAT_TO_DO);
      }
      long expected = s.records() * TokenRecord.LENGTH;
      long size = Files.size(segment);
      if (size != expected) {
        throw new StoreException(Kind.CORRUPT, which + " has " + size + " bytes, expected "
            + expected + WHAT_TO_DO);
      }
      if (!MessageDigest.isEqual(sha256(segment), s.bodySha256())) {
        throw new StoreException(Kind.CORRUPT, which + " does not match the SHA-256 recorded"
            + " at commit (altered on disk)" + WHAT_TO_DO);
      }
    }
  }

  private void reconcileSegments(Map<String, StoredSubmission> submissions,
      Map<String, UploadRow> uploads) throws IOException {
    for (String id : DataDir.idsIn(dir.segmentsDir(), DataDir.SEGMENT_SUFFIX)) {
      StoredSubmission s = submissions.get(id);
      Path segment = dir.segment(id);
      if (s != null) {
        if (s.purged()) {
          Files.delete(segment); // the row says its records were deleted
          deletedSegments.add(id);
        }
        continue;
      }
      UploadRow u = uploads.get(id);
      if (u != null && u.complete() && !Files.exists(dir.staged(id))
          && Files.size(segment) == u.durableLength()) {
        DurableFiles.moveAtomic(segment, dir.staged(id));
        restored.add(id);
      } else {
        moveAside(segment);
      }
    }
  }

  private void reconcileStagedFiles(Map<String, UploadRow> uploads) throws IOException {
    for (String id : DataDir.idsIn(dir.stagingDir(), DataDir.STAGED_SUFFIX)) {
      if (uploads.containsKey(id)) {
        continue;
      }
      Path staged = dir.staged(id);
      if (Files.size(staged) == 0) {
        Files.delete(staged);
        deletedStaged.add(id);
      } else {
        moveAside(staged);
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
        if (size > 0) {
          moveAside(staged);
        }
        DurableFiles.createEmpty(staged);
        db.resetUpload(id, 0, 0);
        reset.add(id);
      } else if (size > u.durableLength()) {
        DurableFiles.truncate(staged, u.durableLength());
        truncated.add(id);
      }
    }
  }

  /** Moves aside every entry of {@code folder} the store would not have written there. */
  private void moveAsideStrayFiles(Path folder, String suffix) throws IOException {
    List<Path> stray = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        boolean ours = name.endsWith(suffix) && Files.isRegularFile(p)
            && UploadSpec.isValidSubmissionId(name.substring(0, name.length()
                - suffix.length()));
        if (!ours) {
          stray.add(p);
        }
      }
    }
    for (Path p : stray) {
      moveAside(p);
    }
  }

  /** Moves {@code file} to {@code orphans/<time>/<its folder>/}, keeping its name. */
  private void moveAside(Path file) throws IOException {
    if (orphans == null) {
      orphans = dir.orphansDir().resolve(ORPHAN_DIR_NAME.format(now));
    }
    Path relative = dir.root().relativize(file);
    Path target = orphans.resolve(relative);
    DurableFiles.createDirectory(target.getParent());
    DurableFiles.moveAtomic(file, target);
    DurableFiles.fsyncDirectory(target.getParent());
    movedAside.add(relative.toString());
  }

  private static byte[] sha256(Path file) throws IOException {
    MessageDigest md = DurableFiles.sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  private static String abbreviate(Set<String> ids) {
    List<String> first = new ArrayList<>(ids).subList(0, Math.min(ids.size(), 5));
    return String.join(", ", first) + (ids.size() > first.size() ? ", …" : "");
  }
}
