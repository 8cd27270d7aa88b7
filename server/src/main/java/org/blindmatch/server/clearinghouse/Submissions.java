package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.ClearinghouseException.failedPrecondition;
import static org.blindmatch.server.clearinghouse.ClearinghouseException.invalid;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Chunk;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.store.OpenUpload;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.UploadState;

/**
 * Uploads and commits of token-set submissions, for a caller given by its identity. Every
 * check that can be made on a chunk is made before it is stored; the rest (order, count,
 * Merkle root, signature) at commit, over the staged bytes, before anything becomes visible.
 * A commit signs a receipt and appends it, with the submitter's signature, to the
 * transparency log.
 *
 * <p>Errors: {@link ClearinghouseException} for a refusal decided here,
 * {@link StoreException} for one the store reports. Thread-safe (the store serialises per
 * submission); an {@link Upload} is used by one stream at a time.
 */
final class Submissions {
  /** Open uploads whose chunks this process verified; bounded, least recently used dropped. */
  private static final int MAX_TRACKED_UPLOADS = 1024;
  private static final System.Logger LOG = System.getLogger(Submissions.class.getName());

  private final Clearinghouse ch;
  private final ServerMetrics metrics;
  private final UploadQuotas quotas;
  /** Makes a submitter's quota check and its new upload one step. */
  private final Object quotaLock = new Object();
  /** Open uploads seen by this process, by store id. */
  private final Map<String, UploadVerifier> verifiers = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UploadVerifier> e) {
          return size() > MAX_TRACKED_UPLOADS;
        }
      });

  Submissions(Clearinghouse ch, ServerMetrics metrics, UploadQuotas quotas) {
    this.ch = ch;
    this.metrics = metrics;
    this.quotas = quotas;
  }

  /** Starts one upload stream of {@code caller}. */
  Upload upload(NodeIdentity caller) {
    return new Upload(caller);
  }

  /**
   * One upload stream: an {@link UploadBegin}, then chunks in sequence. Not thread-safe:
   * messages of one stream arrive one at a time. What is durably appended stays for a resume
   * if the stream breaks off.
   */
  final class Upload {
    private final NodeIdentity caller;
    private String submissionId;
    private String clientId;
    private UploadState state;
    private boolean committed;

    private Upload(NodeIdentity caller) {
      this.caller = caller;
    }

    /**
     * Handles the stream's next message: begins (or resumes) the upload, or stores a chunk.
     * If the upload is already committed, the begin and any chunks are accepted as no-ops.
     */
    void accept(UploadRequest request) throws ClearinghouseException, StoreException {
      if (request.hasBegin()) {
        begin(request.getBegin());
      } else if (request.hasChunk()) {
        if (submissionId == null) {
          throw invalid("the first message of an upload must be UploadBegin");
        }
        if (!committed) {
          chunk(request.getChunk());
        }
      } else {
        throw invalid("empty UploadRequest");
      }
    }

    /** The upload's status once the client has sent everything. */
    UploadStatus finish() throws ClearinghouseException {
      if (submissionId == null) {
        throw invalid("empty upload");
      }
      return status(clientId, state, committed);
    }

    private void begin(UploadBegin begin) throws ClearinghouseException, StoreException {
      if (submissionId != null) {
        throw invalid("a second UploadBegin in one stream");
      }
      UploadSpec spec = UploadChecks.spec(ch, caller, begin);
      clientId = begin.getSubmissionId();
      submissionId = spec.submissionId();
      try {
        state = beginWithinQuotas(spec);
      } catch (StoreException e) {
        if (e.kind() == StoreException.Kind.ALREADY_COMMITTED) {
          committed = true; // chunks are redundant, the status says so
          return;
        }
        throw e;
      }
      UploadVerifier v = verifiers.get(submissionId);
      if (state.recordsReceived() == 0) {
        verifiers.put(submissionId, new UploadVerifier(spec.tierNumbers()));
      } else if (v != null && v.records() != state.recordsReceived()) {
        verifiers.remove(submissionId); // out of step: commit will rescan
      }
    }

    /**
     * Stores a chunk; if it is refused while the upload holds no record, the upload is
     * removed, so a refused first chunk leaves nothing behind (a client resumes by beginning
     * again).
     */
    private void chunk(Chunk chunk) throws ClearinghouseException, StoreException {
      try {
        storeChunk(chunk);
      } catch (ClearinghouseException | StoreException | RuntimeException e) {
        if (state != null && state.recordsReceived() == 0) {
          abandonQuietly();
        }
        throw e;
      }
    }

    private void abandonQuietly() {
      try {
        ch.submissions().abandonUpload(submissionId, caller.uri().toString());
        verifiers.remove(submissionId);
      } catch (StoreException | RuntimeException ignored) {
        // Gone already, or the store failed: idle expiry removes it later.
      }
    }

    private void storeChunk(Chunk chunk) throws ClearinghouseException, StoreException {
      ByteString records = chunk.getRecords();
      if (records.size() > Limits.MAX_CHUNK_BYTES) {
        throw new ClearinghouseException(Code.RESOURCE_EXHAUSTED, "chunk of " + records.size()
            + " bytes exceeds " + Limits.MAX_CHUNK_BYTES);
      }
      if (records.isEmpty() || records.size() % TokenRecord.LENGTH != 0) {
        throw invalid("chunk " + Long.toUnsignedString(chunk.getSequence()) + " is "
            + records.size() + " bytes, not a positive multiple of " + TokenRecord.LENGTH);
      }
      if (chunk.getSequence() < 0) {
        // uint64 at or above 2^63: beyond any chunk an upload can reach, so out of order
        // (FAILED_PRECONDITION, as for any other gap), not a malformed chunk.
        throw failedPrecondition("chunk " + Long.toUnsignedString(chunk.getSequence())
            + " is out of order; next expected is "
            + (state == null ? 0 : state.nextSequence()));
      }
      byte[] bytes = records.toByteArray();
      UploadVerifier v = verifiers.get(submissionId);
      if (v == null) {
        state = append(chunk.getSequence(), bytes);
        return;
      }
      synchronized (v) {
        long before = v.records();
        // Only a chunk that extends what the verifier saw can be checked against it; any
        // other (a duplicate, a gap) is left to the store to refuse.
        if (state != null && state.nextSequence() == chunk.getSequence()
            && before == state.recordsReceived()) {
          String problem = v.check(bytes, bytes.length);
          if (problem != null) {
            throw failedPrecondition(problem);
          }
        }
        state = append(chunk.getSequence(), bytes);
        if (state.recordsReceived() == before + bytes.length / TokenRecord.LENGTH) {
          v.accept(bytes, bytes.length);
        } else {
          verifiers.remove(submissionId);
        }
      }
    }

    /** Appends durably; a chunk already received is refused (DUPLICATE_CHUNK). */
    private UploadState append(long sequence, byte[] bytes) throws StoreException {
      UploadState appended = ch.submissions().appendChunk(submissionId,
          caller.uri().toString(), sequence, bytes, 0, bytes.length);
      metrics.uploadBytes(bytes.length);
      return appended;
    }
  }

  /**
   * Begins {@code spec}'s upload, or resumes it; a new upload must fit the submitter's
   * {@link UploadQuotas}.
   *
   * @throws ClearinghouseException {@code RESOURCE_EXHAUSTED} with the quota it would exceed
   */
  private UploadState beginWithinQuotas(UploadSpec spec)
      throws ClearinghouseException, StoreException {
    synchronized (quotaLock) {
      List<OpenUpload> open = ch.submissions().openUploads(spec.submitter());
      if (open.stream().noneMatch(u -> u.submissionId().equals(spec.submissionId()))
          && ch.submissions().find(spec.submissionId()).isEmpty()) {
        checkQuotas(spec, open);
      }
      return ch.submissions().beginUpload(spec);
    }
  }

  private void checkQuotas(UploadSpec spec, List<OpenUpload> open)
      throws ClearinghouseException {
    long records = spec.expectedRecords(); // uint64 on the wire
    if (Long.compareUnsigned(records, quotas.maxSubmissionRecords()) > 0) {
      throw quota(UploadQuotas.RECORDS, quotas.maxSubmissionRecords(), 0, records,
          "a submission of " + Long.toUnsignedString(records) + " records exceeds the "
              + "clearinghouse's limit of "
              + quotas.maxSubmissionRecords() + " records per submission; split it");
    }
    long bytes = records * TokenRecord.LENGTH;
    if (bytes > quotas.maxSubmissionBytes()) {
      throw quota(UploadQuotas.BYTES, quotas.maxSubmissionBytes(), 0, bytes,
          "a submission of " + bytes + " bytes exceeds the clearinghouse's limit of "
              + quotas.maxSubmissionBytes() + " bytes per submission; split it");
    }
    if (open.size() + 1 > quotas.maxOpenUploads()) {
      throw quota(UploadQuotas.OPEN, quotas.maxOpenUploads(), open.size(), 1,
          "this submitter has " + open.size() + " uploads in progress, the clearinghouse's"
              + " limit; finish (resubmit) or let them expire (after "
              + quotas.idleExpiry().toHours() + " h idle) before starting another");
    }
    long staged = 0;
    for (OpenUpload u : open) {
      staged += u.expectedRecords() * TokenRecord.LENGTH;
    }
    if (staged + bytes > quotas.maxStagedBytes()) {
      throw quota(UploadQuotas.STAGED, quotas.maxStagedBytes(), staged, bytes,
          "this submitter's uploads in progress declare " + staged + " bytes; another "
              + bytes + " would exceed the clearinghouse's limit of "
              + quotas.maxStagedBytes() + " bytes; finish (resubmit) or let them expire"
              + " before starting another");
    }
  }

  private static ClearinghouseException quota(String limit, long quota, long used,
      long requested, String message) {
    return ClearinghouseException.quotaExceeded(
        new ClearinghouseException.Quota(limit, quota, used, requested), message);
  }

  /**
   * Removes the uploads idle since before {@code now - idleExpiry}, counting and logging
   * each (its store id, submitter and records received; never a record).
   *
   * @return how many were removed
   */
  int expireIdleUploads(Instant now) throws StoreException {
    List<OpenUpload> expired = ch.submissions().expireIdleUploads(
        now.minus(quotas.idleExpiry()));
    for (OpenUpload u : expired) {
      verifiers.remove(u.submissionId());
      LOG.log(System.Logger.Level.INFO, "upload " + u.submissionId() + " of " + u.submitter()
          + " expired: idle since " + u.lastActivity() + " with " + u.recordsReceived() + " of "
          + u.expectedRecords() + " records; removed");
    }
    metrics.uploadsExpired(expired.size());
    return expired.size();
  }

  /**
   * The progress of {@code caller}'s upload {@code clientId}, or that it is committed.
   *
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} for a malformed id;
   *     {@code NOT_FOUND} if the caller has no such upload or submission
   */
  UploadStatus status(NodeIdentity caller, String clientId)
      throws ClearinghouseException, StoreException {
    String id = SubmissionIds.storeId(caller.uri().toString(), clientId);
    if (ch.submissions().find(id).isPresent()) {
      return status(clientId, null, true);
    }
    try {
      return status(clientId, ch.submissions().uploadState(id), false);
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.NOT_FOUND) {
        throw new ClearinghouseException(Code.NOT_FOUND, "no upload " + clientId);
      }
      throw e;
    }
  }

  /**
   * Commits {@code caller}'s complete upload under its signed commitment: checks the
   * commitment names the caller, the staged records' count, order, tiers and Merkle root, and
   * the signature against the caller's registered key; then stores the submission with a
   * signed receipt and logs it. Committing again with the same root returns the logged
   * receipt.
   *
   * @throws ClearinghouseException {@code INVALID_ARGUMENT} (commitment not canonical, bad
   *     spec), {@code PERMISSION_DENIED} (another submitter, role not allowed),
   *     {@code ALREADY_EXISTS} (committed with another root), {@code FAILED_PRECONDITION}
   *     (records, root, scope, key or signature do not check out), {@code DATA_LOSS} (stored
   *     receipt not this clearinghouse's), {@code INTERNAL} (signing failed)
   * @throws StoreException also {@code IO} if the staged records cannot be read (a disk
   *     failure: the client retries once it is fixed)
   */
  CommitResponse commit(NodeIdentity caller, CommitRequest request)
      throws ClearinghouseException, StoreException {
    try {
      return doCommit(caller, request);
    } catch (IOException e) {
      throw new StoreException(StoreException.Kind.IO, "commit failed: cannot read the staged"
          + " records: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new ClearinghouseException(Code.INTERNAL, "commit failed: " + e.getMessage(), e);
    }
  }

  private CommitResponse doCommit(NodeIdentity caller, CommitRequest request)
      throws ClearinghouseException, StoreException, IOException, GeneralSecurityException {
    Commitment c;
    try {
      c = Commitment.parseFrom(request.getCommitment());
    } catch (InvalidProtocolBufferException e) {
      throw invalid("commitment is not a valid Commitment message");
    }
    if (!c.toByteString().equals(request.getCommitment())) {
      // The log carries the parsed commitment and the submitter's signature; an auditor can
      // only check that signature if re-serializing gives back the signed bytes.
      throw invalid("commitment is not in canonical encoding (fields in number order, no "
          + "unknown fields or repeated scalars); sign Commitment.toByteArray() as is");
    }
    String submitter = caller.uri().toString();
    if (!c.getSubmitter().equals(submitter)) {
      throw new ClearinghouseException(Code.PERMISSION_DENIED, "the commitment names submitter "
          + c.getSubmitter() + " but the caller is " + submitter);
    }
    String id = SubmissionIds.storeId(submitter, c.getSubmissionId());
    Optional<StoredSubmission> existing = ch.submissions().find(id);
    if (existing.isPresent()) {
      return recommit(c, id, existing.get());
    }
    UploadSpec expected = UploadChecks.spec(ch, caller, UploadBegin.newBuilder()
        .setSubmissionId(c.getSubmissionId())
        .setRole(c.getRole())
        .setKeyMode(c.getKeyMode())
        .setScopeDigest(c.getScopeDigest())
        .setKeyId(c.getKeyId())
        .addAllTiers(c.getTiersList())
        .setRecordCount(c.getRecordCount())
        .build());
    // Resuming with the commitment's spec fails with CONFLICT unless it is the upload's spec.
    UploadState state = ch.submissions().beginUpload(expected);
    if (state.recordsReceived() != c.getRecordCount()) {
      throw failedPrecondition("received " + state.recordsReceived()
          + " records, the commitment says " + c.getRecordCount());
    }
    byte[] root = root(id, state.recordsReceived(), expected.tierNumbers());
    if (!MessageDigest.isEqual(root, c.getMerkleRoot().toByteArray())) {
      throw failedPrecondition("the Merkle root of the received "
          + "records differs from the committed root");
    }
    Optional<byte[]> key = ch.signingKeys().signingKey(submitter);
    if (key.isEmpty()) {
      throw failedPrecondition("no signing key registered for "
          + submitter + " (NodeService/RegisterSigningKey)");
    }
    byte[] signature = request.getSignature().toByteArray();
    try {
      Commitments.verify(new String(key.get(), StandardCharsets.UTF_8), request);
    } catch (ClaimVerificationException e) {
      throw failedPrecondition("the commitment signature does not "
          + "verify against the submitter's registered key");
    }
    Instant now = ch.clock().instant();
    Instant expires = now.plus(ch.submissionTtl());
    ReceiptBody body = ReceiptBody.newBuilder()
        .setCommitment(c)
        .setCommitmentSignatureSha256(ByteString.copyFrom(Sha256.digest(signature)))
        .setCommittedAt(now.getEpochSecond())
        .setExpiresAt(expires.getEpochSecond())
        .setClearinghouse(ch.identity().uri().toString())
        .build();
    Receipt receipt = Receipts.sign(ch.signer(), body);
    ch.submissions().commit(id, submitter, root, signature, receipt.toByteArray(), now, expires);
    verifiers.remove(id);
    metrics.submissionCommitted(c.getRecordCount());
    return logged(id, receipt, signature);
  }

  /** A commit of a submission already committed: the same root returns its receipt. */
  private CommitResponse recommit(Commitment c, String id, StoredSubmission s)
      throws ClearinghouseException, StoreException, GeneralSecurityException {
    if (!Arrays.equals(s.merkleRoot(), c.getMerkleRoot().toByteArray())) {
      throw new ClearinghouseException(Code.ALREADY_EXISTS, "submission "
          + c.getSubmissionId() + " is already committed with a different Merkle root");
    }
    // Appending again is a no-op, unless a crash came between the commit and the append;
    // what is appended then must be this clearinghouse's own receipt.
    Receipt receipt;
    try {
      receipt = new OwnRecords(ch).receipt(s);
    } catch (StoreException e) {
      throw new ClearinghouseException(Code.DATA_LOSS, "submission " + c.getSubmissionId()
          + ": " + e.getMessage(), e);
    }
    return logged(id, receipt, s.signature());
  }

  /**
   * Appends the receipt, with the submitter's commitment signature, to the transparency log
   * (once per submission) and returns it with its position.
   */
  private CommitResponse logged(String storeId, Receipt receipt, byte[] commitmentSignature)
      throws StoreException, GeneralSecurityException {
    byte[] entry = Clearinghouse.receiptEntry(receipt, commitmentSignature);
    long index = ch.log().append(Clearinghouse.receiptLogKey(storeId), entry);
    return CommitResponse.newBuilder()
        .setReceipt(receipt)
        .setLogPosition(ch.log().position(index, entry))
        .build();
  }

  /** The staged records' Merkle root: from the chunks' verifier if in step, else a rescan. */
  private byte[] root(String id, long records, int[] tiers)
      throws ClearinghouseException, StoreException, IOException {
    UploadVerifier verifier = verifiers.get(id);
    if (verifier == null) {
      return UploadChecks.scan(ch, id, records, tiers);
    }
    synchronized (verifier) {
      return verifier.records() == records ? verifier.root() : UploadChecks.scan(ch, id, records, tiers);
    }
  }

  private static UploadStatus status(String id, UploadState state, boolean committed) {
    UploadStatus.Builder b = UploadStatus.newBuilder().setSubmissionId(id).setCommitted(committed);
    if (state != null) {
      b.setNextSequence(state.nextSequence()).setRecordsReceived(state.recordsReceived());
    }
    return b.build();
  }
}
