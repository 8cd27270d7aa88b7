package org.blindmatch.server.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage of token-set submissions: uploads in progress, committed submissions and
 * their expiry. The clearinghouse's other durable state has its own narrow contracts
 * ({@link LogStorage}, {@link ResultStore}, {@link TranscriptStore}, {@link SigningKeyStore});
 * one implementation may serve several of them from one database.
 *
 * <p>An upload is created by {@link #beginUpload}, filled with {@link #appendChunk} in
 * sequence-number order, inspected through {@link #stagedFile}, and made permanent by
 * {@link #commit}, which is atomic: after a crash at any point the submission is either
 * committed with all its records or not committed (and its upload resumable from the last
 * durably stored chunk, or gone). Records are opaque 33-byte values ({@code token ‖ handle ‖
 * tier}, {@code docs/PROTOCOL.md} §4); the store checks their count and framing, not their
 * content or order.
 *
 * <p>Submission ids are global across submitters, not namespaced by submitter. They become
 * file names, so every method rejects a malformed id with
 * {@link StoreException.Kind#INVALID_ARGUMENT}, and {@link #beginUpload} rejects one that
 * equals an existing upload or submission id up to letter case with
 * {@link StoreException.Kind#CONFLICT}; otherwise ids match exactly.
 *
 * <p>Implementations are thread-safe unless they say otherwise. After {@link #close()} every
 * method throws {@link IllegalStateException}.
 */
public interface SubmissionStore extends AutoCloseable {

  /**
   * Creates an upload, or returns the progress of an existing one with an equal spec.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} if the spec is malformed;
   *     {@code ALREADY_COMMITTED} if the id is committed (even if purged);
   *     {@code CONFLICT} if an upload with this id exists with a different spec;
   *     {@code IO}
   */
  UploadState beginUpload(UploadSpec spec) throws StoreException;

  /**
   * Durably appends {@code len} bytes of {@code data} from {@code off} as chunk
   * {@code sequence}. When this returns, the chunk survives a crash.
   *
   * @throws IndexOutOfBoundsException if {@code off}/{@code len} lie outside {@code data}
   * @throws StoreException {@code NOT_FOUND} if no such upload; {@code ALREADY_COMMITTED};
   *     {@code CONFLICT} if {@code submitter} is not the upload's submitter;
   *     {@code DUPLICATE_CHUNK} if {@code sequence} is below the next expected one (the store
   *     has that chunk already; nothing is written); {@code OUT_OF_ORDER} if it is above;
   *     {@code BAD_CHUNK} if {@code len} is 0 or not a multiple of 33;
   *     {@code TOO_MANY_RECORDS} if the upload would exceed its expected record count;
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  UploadState appendChunk(String submissionId, String submitter, long sequence, byte[] data,
      int off, int len) throws StoreException;

  /**
   * The durable progress of an upload.
   *
   * @throws StoreException {@code NOT_FOUND} (also once abandoned); {@code ALREADY_COMMITTED};
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  UploadState uploadState(String submissionId) throws StoreException;

  /**
   * The file holding an upload's records so far, for the caller to scan before committing.
   * Read only its first {@code uploadState(id).recordsReceived() * 33} bytes, and do not
   * modify it. Once all expected records are received it no longer changes until
   * {@link #commit} or {@link #abandonUpload} moves or deletes it.
   *
   * @throws StoreException {@code NOT_FOUND}; {@code ALREADY_COMMITTED};
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  Path stagedFile(String submissionId) throws StoreException;

  /**
   * Atomically turns a complete upload into a committed submission. The store computes the
   * body SHA-256 itself; the Merkle root, signature and receipt are the caller's, stored as
   * given.
   *
   * @param merkleRoot 32 bytes
   * @param expiresAt must be after {@code committedAt}
   * @throws StoreException {@code NOT_FOUND}; {@code ALREADY_COMMITTED};
   *     {@code CONFLICT} if {@code submitter} is not the upload's submitter;
   *     {@code INCOMPLETE} if fewer records than expected were received;
   *     {@code CORRUPT} if the staged file is shorter than recorded;
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  StoredSubmission commit(String submissionId, String submitter, byte[] merkleRoot,
      byte[] signature, byte[] receipt, Instant committedAt, Instant expiresAt)
      throws StoreException;

  /**
   * A committed submission, purged or not; empty if none (an upload in progress is not a
   * submission).
   *
   * @throws StoreException {@code INVALID_ARGUMENT}; {@code IO}
   */
  Optional<StoredSubmission> find(String submissionId) throws StoreException;

  /**
   * Committed, unpurged submissions of one scope, key and role, ordered by submission id.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} if the digest is not 32 bytes or the role
   *     not 1 or 2; {@code IO}
   */
  List<StoredSubmission> list(byte[] scopeDigest, int keyId, int role) throws StoreException;

  /**
   * Every committed submission including purged ones, ordered by submission id.
   *
   * @throws StoreException {@code IO}
   */
  List<StoredSubmission> listAll() throws StoreException;

  /**
   * A buffered stream of a committed submission's records, exactly
   * {@code records * 33} bytes. Reading to the end verifies the body SHA-256 recorded at
   * commit: on a mismatch the final read throws an {@link java.io.IOException} instead of
   * reporting end of stream, so consumers must read to the end before trusting results.
   * The stream stays readable if the submission is purged meanwhile. The caller closes it;
   * streams are independent and may be read from different threads.
   *
   * @throws StoreException {@code NOT_FOUND}; {@code PURGED};
   *     {@code CORRUPT} if the segment is missing or has the wrong length;
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  InputStream openRecords(String submissionId) throws StoreException;

  /**
   * Deletes the records of every unpurged submission with {@code expiresAt <= now} and marks
   * it purged; metadata, Merkle root, signature and receipt are kept. The rows are marked
   * durably before any file is deleted.
   *
   * @return the number of submissions purged
   * @throws StoreException {@code IO}, also if a segment file could not be deleted (it is then
   *     deleted on the next open)
   */
  int purgeExpired(Instant now) throws StoreException;

  /**
   * Deletes an upload and its staged records. The id can then be used again.
   *
   * @throws StoreException {@code NOT_FOUND}; {@code ALREADY_COMMITTED};
   *     {@code CONFLICT} if {@code submitter} is not the upload's submitter;
   *     {@code INVALID_ARGUMENT}; {@code IO}
   */
  void abandonUpload(String submissionId, String submitter) throws StoreException;

  /**
   * The uploads in progress of {@code submitter} (every submitter's if null), ordered by id.
   * An upload's last activity is its latest begin, resume or stored chunk.
   *
   * @throws StoreException {@code IO}
   */
  List<OpenUpload> openUploads(String submitter) throws StoreException;

  /**
   * Abandons, as {@link #abandonUpload} does, every upload whose last activity is before
   * {@code idleSince}.
   *
   * @return the uploads removed
   * @throws StoreException {@code IO}
   */
  List<OpenUpload> expireIdleUploads(Instant idleSince) throws StoreException;

  /**
   * Whether the store can serve calls: open, and its metadata database reachable. Cheap
   * enough for a readiness probe every few seconds; never throws.
   */
  boolean isReady();

  /** Releases the store; safe to call more than once. */
  @Override
  void close() throws StoreException;
}
