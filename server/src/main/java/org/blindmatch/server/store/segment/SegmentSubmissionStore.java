package org.blindmatch.server.store.segment;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.server.store.LogStorage;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.OpenUpload;
import org.blindmatch.server.store.PostgresSettings;
import org.blindmatch.server.store.RecoveryReport;
import org.blindmatch.server.store.ResultStore;
import org.blindmatch.server.store.SigningKeyStore;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.SubmissionStore;
import org.blindmatch.server.store.TranscriptStore;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.UploadState;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.files.DurableFiles;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.jdbc.RecordKind;
import org.blindmatch.server.store.jdbc.UploadRow;
import org.blindmatch.server.store.postgres.PostgresMetadata;
import org.blindmatch.server.store.sqlite.SqliteMetadata;

/**
 * The clearinghouse's store: a {@link SubmissionStore} whose records live in flat files in one
 * local directory and whose metadata live in a database — SQLite in the same directory (the
 * embedded store, needing no server process) or PostgreSQL (see {@link MetadataLocation}) —
 * which also holds the {@link LogStorage transparency log}, the {@link ResultStore results},
 * the {@link TranscriptStore transcripts} and the {@link SigningKeyStore signing keys}. One
 * database makes one transaction domain (a log entry and its seal commit together); callers
 * depend on the narrow interface they need, and only the code that opens the store sees this
 * class.
 *
 * <p><b>Durability.</b> Every method that changes state has made the change durable when it
 * returns, including across power loss, provided the file system honours fsync: metadata
 * commits go through SQLite in WAL mode with {@code synchronous=FULL}, or through PostgreSQL
 * with {@code fsync}, {@code full_page_writes} and {@code synchronous_commit} on; files are
 * fsynced before the metadata that refers to them, and renamed atomically with the directory
 * fsynced. A chunk is appended to {@code staging/<id>.part} and fsynced before the upload row
 * records its new length; a commit fsyncs the staged file, renames it to
 * {@code segments/<id>.seg}, fsyncs the directories and then, in one transaction, inserts the
 * submission and deletes the upload. {@link #open} reconciles files with metadata after a
 * crash (see {@link RecoveryReport}).
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe. Calls for the same submission id are
 * serialized (chunk appends to one upload happen one at a time); calls for different ids
 * write their files in parallel and share one database connection, used by one thread at a
 * time. One instance owns its directory and its database: a second open of the same
 * directory, from this or another process, fails with {@code IO}, and so does a second open
 * of the same PostgreSQL database (advisory lock). Close the store only after in-flight calls
 * return; calls made after {@link #close()} throw {@link IllegalStateException}.
 */
public final class SegmentSubmissionStore
    implements SubmissionStore, LogStorage, ResultStore, TranscriptStore, SigningKeyStore {
  private static final int LOCK_STRIPES = 64;
  private static final int READ_BUFFER = 1 << 16;

  private final DataDir dir;
  private final MetadataDb db;
  private final RecoveryReport recovery;
  private final IdLocks locks = new IdLocks(LOCK_STRIPES);

  private SegmentSubmissionStore(DataDir dir, MetadataDb db, RecoveryReport recovery) {
    this.dir = dir;
    this.db = db;
    this.recovery = recovery;
  }

  /**
   * Opens the store in {@code dataDir} with its metadata at {@code metadata}, creating
   * {@code segments/} and {@code staging/} (and for the embedded store {@code meta.sqlite}) if
   * needed, migrating the schema and recovering from an unclean shutdown.
   *
   * @throws StoreException {@code CORRUPT} if the directory, the metadata and the log do not
   *     account for each other: a committed, unpurged submission's segment file is missing,
   *     has the wrong length or content, a receipt in the log has no submission, or the
   *     embedded {@code meta.sqlite} is missing beside segments (the message names what and
   *     says what to do; nothing is changed),
   *     if the metadata is not a store this build can read, or if the directory and the
   *     database do not belong together (another kind, another PostgreSQL store); {@code IO}
   *     if the directory or database is in use by another instance or cannot be read or
   *     written
   */
  public static SegmentSubmissionStore open(Path dataDir, MetadataLocation metadata)
      throws StoreException {
    Objects.requireNonNull(metadata, "metadata");
    DataDir dir = DataDir.open(dataDir);
    MetadataDb db = null;
    try {
      db = metadata instanceof PostgresSettings pg
          ? PostgresMetadata.open(pg, dir)
          : SqliteMetadata.open(dir);
      RecoveryReport report = Recovery.run(dir, db, Instant.now());
      return new SegmentSubmissionStore(dir, db, report);
    } catch (StoreException | RuntimeException e) {
      if (db != null) {
        db.close();
      }
      dir.close();
      throw e;
    }
  }

  /** What {@link #open} repaired; empty lists after a clean shutdown. */
  public RecoveryReport recoveryReport() {
    return recovery;
  }

  @Override
  public UploadState beginUpload(UploadSpec spec) throws StoreException {
    Validation.spec(spec);
    String id = spec.submissionId();
    ReentrantLock lock = locks.forId(id);
    lock.lock();
    try {
      if (db.findSubmission(id).isPresent()) {
        throw new StoreException(Kind.ALREADY_COMMITTED, "submission " + id
            + " is already committed");
      }
      Optional<UploadRow> existing = db.findUpload(id);
      if (existing.isPresent()) {
        UploadRow row = existing.get();
        if (!row.spec().equals(spec)) {
          throw new StoreException(Kind.CONFLICT, "upload " + id
              + " exists with a different " + differences(row.spec(), spec));
        }
        touch(dir.staged(id));
        return row.state();
      }
      if (db.idTakenIgnoringCase(id)) {
        throw new StoreException(Kind.CONFLICT, "submission id " + id
            + " differs only in letter case from an existing one");
      }
      Path staged = dir.staged(id);
      try {
        DurableFiles.createEmpty(staged);
        DurableFiles.fsyncDirectory(dir.stagingDir());
      } catch (IOException e) {
        throw io("create staged file for " + id, e);
      }
      try {
        db.insertUpload(spec);
      } catch (StoreException | RuntimeException e) {
        deleteQuietly(staged);
        throw e;
      }
      return new UploadState(id, 0, 0);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public UploadState appendChunk(String submissionId, String submitter, long sequence,
      byte[] data, int off, int len) throws StoreException {
    Validation.submissionId(submissionId);
    Validation.submitter(submitter);
    Validation.sequence(sequence);
    Objects.checkFromIndexSize(off, len, Objects.requireNonNull(data, "data").length);
    if (len == 0 || len % TokenRecord.LENGTH != 0) {
      throw new StoreException(Kind.BAD_CHUNK, "chunk " + sequence + " of " + submissionId
          + " has " + len + " bytes, not a positive multiple of " + TokenRecord.LENGTH);
    }
    ReentrantLock lock = locks.forId(submissionId);
    lock.lock();
    try {
      UploadRow row = requireUpload(submissionId, submitter);
      if (sequence < row.nextSequence()) {
        throw new StoreException(Kind.DUPLICATE_CHUNK, "chunk " + sequence + " of "
            + submissionId + " is already stored; next expected is " + row.nextSequence());
      }
      if (sequence > row.nextSequence()) {
        throw new StoreException(Kind.OUT_OF_ORDER, "upload " + submissionId
            + " expected chunk " + row.nextSequence() + ", got " + sequence);
      }
      long records = row.recordsReceived() + len / TokenRecord.LENGTH;
      if (records > row.spec().expectedRecords()) {
        throw new StoreException(Kind.TOO_MANY_RECORDS, "chunk " + sequence + " would bring "
            + submissionId + " to " + records + " records; " + row.spec().expectedRecords()
            + " were declared");
      }
      try {
        DurableFiles.writeAt(dir.staged(submissionId), row.durableLength(), data, off, len);
      } catch (IOException e) {
        throw io("append chunk " + sequence + " to " + submissionId, e);
      }
      // Recorded only once the bytes are durable; a crash before this line leaves a tail that
      // recovery cuts off, and the client resends this chunk.
      db.advanceUpload(submissionId, sequence, sequence + 1, row.durableLength() + len);
      return new UploadState(submissionId, sequence + 1, records);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public UploadState uploadState(String submissionId) throws StoreException {
    Validation.submissionId(submissionId);
    return requireUpload(submissionId, null).state();
  }

  @Override
  public Path stagedFile(String submissionId) throws StoreException {
    Validation.submissionId(submissionId);
    requireUpload(submissionId, null);
    return dir.staged(submissionId);
  }

  @Override
  public StoredSubmission commit(String submissionId, String submitter, byte[] merkleRoot,
      byte[] signature, byte[] receipt, Instant committedAt, Instant expiresAt)
      throws StoreException {
    Validation.submissionId(submissionId);
    Validation.submitter(submitter);
    Validation.commitArguments(merkleRoot, signature, receipt, committedAt, expiresAt);
    ReentrantLock lock = locks.forId(submissionId);
    lock.lock();
    try {
      UploadRow row = requireUpload(submissionId, submitter);
      if (!row.complete()) {
        throw new StoreException(Kind.INCOMPLETE, "upload " + submissionId + " has "
            + row.recordsReceived() + " of " + row.spec().expectedRecords() + " records");
      }
      Path staged = dir.staged(submissionId);
      Path segment = dir.segment(submissionId);
      byte[] bodySha256;
      try {
        bodySha256 = DurableFiles.sealAndHash(staged, row.durableLength());
        DurableFiles.moveAtomic(staged, segment);
        DurableFiles.fsyncDirectory(dir.segmentsDir());
        DurableFiles.fsyncDirectory(dir.stagingDir());
      } catch (IOException e) {
        if (Files.exists(segment)) {
          undoMove(submissionId, segment, staged);
        }
        throw io("commit " + submissionId, e);
      }
      StoredSubmission stored = new StoredSubmission(row.spec(), row.recordsReceived(),
          merkleRoot, bodySha256, signature, receipt, committedAt, expiresAt, false);
      try {
        db.commitSubmission(stored);
      } catch (StoreException | RuntimeException e) {
        undoMove(submissionId, segment, staged);
        throw e;
      }
      return stored;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a failed commit, moves the segment back so the upload stays committable.
   * If the database cannot say whether the transaction landed, the files are left alone for
   * recovery at the next open, which decides from the durable state.
   */
  private void undoMove(String id, Path segment, Path staged) {
    try {
      if (db.findSubmission(id).isEmpty() && db.findUpload(id).isPresent()) {
        DurableFiles.moveAtomic(segment, staged);
        DurableFiles.fsyncDirectory(dir.stagingDir());
        DurableFiles.fsyncDirectory(dir.segmentsDir());
      }
    } catch (StoreException | IOException | RuntimeException ignored) {
      // Recovery restores the staged file on the next open.
    }
  }

  @Override
  public Optional<StoredSubmission> find(String submissionId) throws StoreException {
    Validation.submissionId(submissionId);
    return db.findSubmission(submissionId);
  }

  @Override
  public List<StoredSubmission> list(byte[] scopeDigest, int keyId, int role)
      throws StoreException {
    Validation.digest("scope digest", scopeDigest);
    Validation.role(role);
    return db.listLive(scopeDigest, keyId, role);
  }

  @Override
  public List<StoredSubmission> listAll() throws StoreException {
    return db.listAll();
  }

  @Override
  public InputStream openRecords(String submissionId) throws StoreException {
    Validation.submissionId(submissionId);
    StoredSubmission s = requireLiveSubmission(submissionId);
    Path segment = dir.segment(submissionId);
    long expected = s.records() * TokenRecord.LENGTH;
    FileChannel ch;
    try {
      ch = FileChannel.open(segment, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      requireLiveSubmission(submissionId); // purged since the first look?
      throw new StoreException(Kind.CORRUPT, "segment file " + segment + " of committed"
          + " submission " + submissionId + " is missing", e);
    } catch (IOException e) {
      throw io("open segment of " + submissionId, e);
    }
    try {
      long size = ch.size();
      if (size != expected) {
        ch.close();
        throw new StoreException(Kind.CORRUPT, "segment file " + segment + " has " + size
            + " bytes, expected " + expected);
      }
    } catch (IOException e) {
      closeQuietly(ch);
      throw io("open segment of " + submissionId, e);
    }
    return new VerifyingInputStream(
        new BufferedInputStream(Channels.newInputStream(ch), READ_BUFFER), expected,
        s.bodySha256(), "submission " + submissionId);
  }

  @Override
  public int purgeExpired(Instant now) throws StoreException {
    Objects.requireNonNull(now, "now");
    // Rows first: a crash before the files are gone leaves orphans that recovery deletes,
    // never a live row without its file.
    List<String> purged = db.markExpiredPurged(now);
    List<String> failed = new ArrayList<>();
    for (String id : purged) {
      try {
        Files.deleteIfExists(dir.segment(id));
      } catch (IOException e) {
        failed.add(id);
      }
    }
    if (!purged.isEmpty()) {
      try {
        DurableFiles.fsyncDirectory(dir.segmentsDir());
      } catch (IOException e) {
        throw io("purge", e);
      }
    }
    if (!failed.isEmpty()) {
      throw new StoreException(Kind.IO, "purged " + purged.size() + " submissions but could"
          + " not delete the segments of " + failed + "; they are deleted on the next open");
    }
    return purged.size();
  }

  @Override
  public void abandonUpload(String submissionId, String submitter) throws StoreException {
    Validation.submissionId(submissionId);
    Validation.submitter(submitter);
    ReentrantLock lock = locks.forId(submissionId);
    lock.lock();
    try {
      requireUpload(submissionId, submitter);
      db.deleteUpload(submissionId);
      try {
        Files.deleteIfExists(dir.staged(submissionId));
        DurableFiles.fsyncDirectory(dir.stagingDir());
      } catch (IOException e) {
        throw io("delete staged file of " + submissionId, e);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<OpenUpload> openUploads(String submitter) throws StoreException {
    List<OpenUpload> open = new ArrayList<>();
    for (UploadRow row : db.allUploads()) {
      if (submitter == null || row.spec().submitter().equals(submitter)) {
        open.add(openUpload(row));
      }
    }
    return open;
  }

  @Override
  public List<OpenUpload> expireIdleUploads(Instant idleSince) throws StoreException {
    Objects.requireNonNull(idleSince, "idleSince");
    List<OpenUpload> expired = new ArrayList<>();
    for (UploadRow candidate : db.allUploads()) {
      String id = candidate.submissionId();
      ReentrantLock lock = locks.forId(id);
      lock.lock();
      try {
        Optional<UploadRow> row = db.findUpload(id); // a chunk may have arrived meanwhile
        if (row.isEmpty()) {
          continue;
        }
        OpenUpload upload = openUpload(row.get());
        if (!upload.lastActivity().isBefore(idleSince)) {
          continue;
        }
        db.deleteUpload(id);
        try {
          Files.deleteIfExists(dir.staged(id));
        } catch (IOException e) {
          throw io("delete staged file of expired upload " + id, e);
        }
        expired.add(upload);
      } finally {
        lock.unlock();
      }
    }
    if (!expired.isEmpty()) {
      try {
        DurableFiles.fsyncDirectory(dir.stagingDir());
      } catch (IOException e) {
        throw io("expire idle uploads", e);
      }
    }
    return expired;
  }

  /** The upload's last activity is its staged file's modification time. */
  private OpenUpload openUpload(UploadRow row) throws StoreException {
    Instant last;
    try {
      last = Files.getLastModifiedTime(dir.staged(row.submissionId())).toInstant();
    } catch (NoSuchFileException e) {
      last = Instant.EPOCH; // recovery resets such an upload; nothing of it is left to keep
    } catch (IOException e) {
      throw io("read the staged file of " + row.submissionId(), e);
    }
    return new OpenUpload(row.submissionId(), row.spec().submitter(),
        row.spec().expectedRecords(), row.recordsReceived(), last);
  }

  /** Marks a resumed upload active (its idle time starts again). */
  private static void touch(Path staged) throws StoreException {
    try {
      Files.setLastModifiedTime(staged, java.nio.file.attribute.FileTime.from(Instant.now()));
    } catch (IOException e) {
      throw io("resume " + staged.getFileName(), e);
    }
  }

  @Override
  public void putResult(String runId, String recipient, byte[] results)
      throws StoreException {
    db.putRecord(RecordKind.RESULT, Validation.resultKey(runId, recipient),
        Objects.requireNonNull(results, "results").clone());
  }

  @Override
  public Optional<byte[]> result(String runId, String recipient) throws StoreException {
    return db.getRecord(RecordKind.RESULT, Validation.resultKey(runId, recipient));
  }

  @Override
  public void putTranscript(String runId, byte[] transcript) throws StoreException {
    db.putRecord(RecordKind.TRANSCRIPT, Validation.key("run id", runId),
        Objects.requireNonNull(transcript, "transcript").clone());
  }

  @Override
  public Optional<byte[]> transcript(String runId) throws StoreException {
    return db.getRecord(RecordKind.TRANSCRIPT, Validation.key("run id", runId));
  }

  @Override
  public List<String> transcriptRunIds() throws StoreException {
    return db.listKeys(RecordKind.TRANSCRIPT);
  }

  @Override
  public void putSigningKey(String identity, byte[] keyset) throws StoreException {
    db.putRecord(RecordKind.SIGNING_KEY, Validation.key("identity", identity),
        Objects.requireNonNull(keyset, "keyset").clone());
  }

  @Override
  public Optional<byte[]> signingKey(String identity) throws StoreException {
    return db.getRecord(RecordKind.SIGNING_KEY, Validation.key("identity", identity));
  }

  @Override
  public long appendLogEntry(String key, byte[] entry, LogSealer sealer)
      throws StoreException {
    Validation.key("log entry key", key);
    Objects.requireNonNull(sealer, "sealer");
    return db.appendLogEntry(key, Objects.requireNonNull(entry, "entry").clone(),
        index -> sealer.sealFor(index).clone());
  }

  @Override
  public java.util.OptionalLong logIndex(String key) throws StoreException {
    return db.logIndex(Validation.key("log entry key", key));
  }

  @Override
  public Optional<byte[]> logSeal() throws StoreException {
    return db.logSeal();
  }

  @Override
  public long logSize() throws StoreException {
    return db.logSize();
  }

  @Override
  public List<byte[]> logEntries(long from, long to) throws StoreException {
    if (from < 0 || from > to) {
      throw new StoreException(Kind.INVALID_ARGUMENT,
          "log range [" + from + ", " + to + ") is not 0 <= from <= to");
    }
    return db.logEntries(from, to);
  }

  @Override
  public void putCosignature(long treeSize, String witnessKey, byte[] cosignature)
      throws StoreException {
    String key = cosignaturePrefix(treeSize) + java.util.HexFormat.of().formatHex(
        org.blindmatch.crypto.hash.Sha256.digest(Validation.key("witness key", witnessKey)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    byte[] value = Objects.requireNonNull(cosignature, "cosignature").clone();
    if (db.getRecord(RecordKind.WITNESS_COSIGNATURE, key).isPresent()) {
      return; // this witness's earlier cosignature of the size stays
    }
    try {
      db.putRecord(RecordKind.WITNESS_COSIGNATURE, key, value);
    } catch (StoreException e) {
      if (e.kind() != Kind.CONFLICT) {
        throw e;
      } // a concurrent call stored this witness's cosignature first: it stays
    }
  }

  @Override
  public List<byte[]> cosignatures(long treeSize) throws StoreException {
    return db.recordsWithPrefix(RecordKind.WITNESS_COSIGNATURE, cosignaturePrefix(treeSize));
  }

  private static String cosignaturePrefix(long treeSize) throws StoreException {
    if (treeSize < 0) {
      throw new StoreException(Kind.INVALID_ARGUMENT, "tree size " + treeSize
          + " is negative");
    }
    return String.format("%019d/", treeSize);
  }

  @Override
  public boolean isReady() {
    return db.isReachable();
  }

  @Override
  public void close() {
    db.close();
    dir.close();
  }

  /**
   * The upload row for {@code id}, checking its submitter unless {@code submitter} is null.
   */
  private UploadRow requireUpload(String id, String submitter) throws StoreException {
    Optional<UploadRow> row = db.findUpload(id);
    if (row.isEmpty()) {
      if (db.findSubmission(id).isPresent()) {
        throw new StoreException(Kind.ALREADY_COMMITTED, "submission " + id
            + " is already committed");
      }
      throw new StoreException(Kind.NOT_FOUND, "no upload " + id);
    }
    if (submitter != null && !row.get().spec().submitter().equals(submitter)) {
      throw new StoreException(Kind.CONFLICT, "upload " + id
          + " belongs to a different submitter");
    }
    return row.get();
  }

  private StoredSubmission requireLiveSubmission(String id) throws StoreException {
    StoredSubmission s = db.findSubmission(id).orElseThrow(
        () -> new StoreException(Kind.NOT_FOUND, "no committed submission " + id));
    if (s.purged()) {
      throw new StoreException(Kind.PURGED, "submission " + id + " expired at "
          + s.expiresAt() + " and its records were purged");
    }
    return s;
  }

  /** Names the fields that differ, never their values. */
  private static String differences(UploadSpec a, UploadSpec b) {
    List<String> fields = new ArrayList<>();
    if (!a.submitter().equals(b.submitter())) {
      fields.add("submitter");
    }
    if (a.role() != b.role()) {
      fields.add("role");
    }
    if (!Arrays.equals(a.scopeDigest(), b.scopeDigest())) {
      fields.add("scope digest");
    }
    if (a.keyId() != b.keyId()) {
      fields.add("key id");
    }
    if (!Arrays.equals(a.tierNumbers(), b.tierNumbers())) {
      fields.add("tier numbers");
    }
    if (a.expectedRecords() != b.expectedRecords()) {
      fields.add("expected record count");
    }
    return String.join(", ", fields);
  }

  private static StoreException io(String what, IOException e) {
    // A file shorter than its metadata says is damage, not a transient failure.
    Kind kind = e instanceof EOFException ? Kind.CORRUPT : Kind.IO;
    return new StoreException(kind, what + ": " + e, e);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Recovery deletes staged files that have no upload row.
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Read-only.
    }
  }
}
