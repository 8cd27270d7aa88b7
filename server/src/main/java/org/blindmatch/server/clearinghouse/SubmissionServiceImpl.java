package org.blindmatch.server.clearinghouse;

import org.blindmatch.core.limits.Limits;
import org.blindmatch.core.claims.Receipts;
import org.blindmatch.core.claims.Commitments;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.crypto.hash.Sha256;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.Chunk;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.Commitment;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.Receipt;
import org.blindmatch.proto.v1.ReceiptBody;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.proto.v1.UploadBegin;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.security.CallerIdentity;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.UploadSpec;
import org.blindmatch.server.store.UploadState;

/**
 * Uploads and commits. Every check that can be made on a chunk is made before it is stored;
 * the rest (order, count, Merkle root, signature) at commit, over the staged bytes, before
 * anything becomes visible. Thread-safe (the store serialises per submission).
 */
final class SubmissionServiceImpl extends SubmissionServiceGrpc.SubmissionServiceImplBase {
  /** Largest chunk accepted: 1 MiB of records. */

  private static final int MAX_TRACKED_UPLOADS = 1024;

  private final Clearinghouse ch;
  /** Open uploads seen by this process, by store id; bounded, oldest dropped first. */
  private final java.util.Map<String, UploadVerifier> verifiers = java.util.Collections
      .synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, UploadVerifier> e) {
          return size() > MAX_TRACKED_UPLOADS;
        }
      });

  private final ServerMetrics metrics;

  SubmissionServiceImpl(Clearinghouse ch, ServerMetrics metrics) {
    this.ch = ch;
    this.metrics = metrics;
  }

  @Override
  public StreamObserver<UploadRequest> upload(StreamObserver<UploadStatus> response) {
    NodeIdentity caller = CallerIdentity.current();
    return new StreamObserver<>() {
      private String submissionId;
      private String clientId;
      private UploadState state;
      private boolean failed;
      private boolean committed;

      @Override
      public void onNext(UploadRequest request) {
        if (failed) {
          return;
        }
        try {
          if (request.hasBegin()) {
            if (submissionId != null) {
              throw invalid("a second UploadBegin in one stream");
            }
            UploadBegin begin = request.getBegin();
            UploadSpec spec = spec(caller, begin);
            clientId = begin.getSubmissionId();
            submissionId = spec.submissionId();
            try {
              state = ch.submissions().beginUpload(spec);
              UploadVerifier v = verifiers.get(submissionId);
              if (state.recordsReceived() == 0) {
                verifiers.put(submissionId, new UploadVerifier(spec.tierNumbers()));
              } else if (v != null && v.records() != state.recordsReceived()) {
                verifiers.remove(submissionId); // out of step: commit will rescan
              }
            } catch (StoreException e) {
              if (e.kind() == StoreException.Kind.ALREADY_COMMITTED) {
                committed = true;
                return;
              }
              throw StoreStatus.of(e);
            }
          } else if (request.hasChunk()) {
            if (submissionId == null) {
              throw invalid("the first message of an upload must be UploadBegin");
            }
            if (committed) {
              return; // already committed: chunks are redundant, the status says so
            }
            Chunk chunk = request.getChunk();
            ByteString records = chunk.getRecords();
            if (records.size() > Limits.MAX_CHUNK_BYTES) {
              throw Status.RESOURCE_EXHAUSTED.withDescription("chunk of " + records.size()
                  + " bytes exceeds " + Limits.MAX_CHUNK_BYTES).asRuntimeException();
            }
            if (records.isEmpty() || records.size() % TokenRecord.LENGTH != 0) {
              throw invalid("chunk " + chunk.getSequence() + " is " + records.size()
                  + " bytes, not a positive multiple of " + TokenRecord.LENGTH);
            }
            byte[] bytes = records.toByteArray();
            UploadVerifier v = verifiers.get(submissionId);
            if (v == null) {
              state = append(caller, chunk.getSequence(), bytes);
            } else {
              synchronized (v) {
                long before = v.records();
                if (state != null && state.nextSequence() == chunk.getSequence()
                    && before == state.recordsReceived()) {
                  String problem = v.check(bytes, bytes.length);
                  if (problem != null) {
                    throw Status.FAILED_PRECONDITION.withDescription(problem)
                        .asRuntimeException();
                  }
                }
                state = append(caller, chunk.getSequence(), bytes);
                if (state.recordsReceived() == before + bytes.length / TokenRecord.LENGTH) {
                  v.accept(bytes, bytes.length);
                } else {
                  verifiers.remove(submissionId);
                }
              }
            }
          } else {
            throw invalid("empty UploadRequest");
          }
        } catch (StoreException e) {
          fail(StoreStatus.of(e));
        } catch (StatusRuntimeException e) {
          fail(e);
        }
      }

      /** Appends durably; a chunk already received is refused (FAILED_PRECONDITION). */
      private UploadState append(NodeIdentity caller, long sequence, byte[] bytes)
          throws StoreException {
        UploadState appended = ch.submissions().appendChunk(submissionId, caller.uri().toString(),
            sequence, bytes, 0, bytes.length);
        metrics.uploadBytes(bytes.length);
        return appended;
      }

      private void fail(StatusRuntimeException e) {
        failed = true;
        response.onError(e);
      }

      @Override
      public void onError(Throwable t) {
        // Client went away: what was durably appended stays for a resume.
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (submissionId == null) {
          response.onError(invalid("empty upload"));
          return;
        }
        response.onNext(status(clientId, state, committed));
        response.onCompleted();
      }
    };
  }

  @Override
  public void getUploadStatus(GetUploadStatusRequest request,
      StreamObserver<UploadStatus> response) {
    NodeIdentity caller = CallerIdentity.current();
    try {
      String id = SubmissionIds.storeId(caller.uri().toString(), request.getSubmissionId());
      Optional<StoredSubmission> done = ch.submissions().find(id);
      if (done.isPresent()) {
        response.onNext(status(request.getSubmissionId(), null, true));
      } else {
        UploadState state;
        try {
          state = ch.submissions().uploadState(id);
        } catch (StoreException e) {
          if (e.kind() == StoreException.Kind.NOT_FOUND) {
            throw Status.NOT_FOUND.withDescription("no upload " + request.getSubmissionId())
                .asRuntimeException();
          }
          throw e;
        }
        response.onNext(status(request.getSubmissionId(), state, false));
      }
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void commit(CommitRequest request, StreamObserver<CommitResponse> response) {
    NodeIdentity caller = CallerIdentity.current();
    try {
      response.onNext(doCommit(caller, request));
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (IOException | GeneralSecurityException e) {
      response.onError(Status.INTERNAL.withDescription("commit failed: " + e.getMessage())
          .asRuntimeException());
    }
  }

  private CommitResponse doCommit(NodeIdentity caller, CommitRequest request)
      throws StoreException, IOException, GeneralSecurityException {
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
      throw Status.PERMISSION_DENIED.withDescription("the commitment names submitter "
          + c.getSubmitter() + " but the caller is " + submitter).asRuntimeException();
    }
    String id = SubmissionIds.storeId(submitter, c.getSubmissionId());
    Optional<StoredSubmission> existing = ch.submissions().find(id);
    if (existing.isPresent()) {
      StoredSubmission s = existing.get();
      if (!Arrays.equals(s.merkleRoot(), c.getMerkleRoot().toByteArray())) {
        throw Status.ALREADY_EXISTS.withDescription("submission " + c.getSubmissionId()
            + " is already committed with a different Merkle root").asRuntimeException();
      }
      // Appending again is a no-op, unless a crash came between the commit and the append;
      // what is appended then must be this clearinghouse's own receipt.
      Receipt receipt;
      try {
        receipt = new OwnRecords(ch).receipt(s);
      } catch (StoreException e) {
        throw Status.DATA_LOSS.withDescription("submission " + c.getSubmissionId()
            + ": " + e.getMessage()).asRuntimeException();
      }
      return logged(id, receipt, s.signature());
    }
    UploadSpec expected = spec(caller, UploadBegin.newBuilder()
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
      throw Status.FAILED_PRECONDITION.withDescription("received " + state.recordsReceived()
          + " records, the commitment says " + c.getRecordCount()).asRuntimeException();
    }
    UploadVerifier verifier = verifiers.get(id);
    byte[] root;
    if (verifier != null) {
      synchronized (verifier) {
        root = verifier.records() == state.recordsReceived() ? verifier.root()
            : scan(id, state.recordsReceived(), expected.tierNumbers());
      }
    } else {
      root = scan(id, state.recordsReceived(), expected.tierNumbers());
    }
    if (!MessageDigest.isEqual(root, c.getMerkleRoot().toByteArray())) {
      throw Status.FAILED_PRECONDITION.withDescription("the Merkle root of the received "
          + "records differs from the committed root").asRuntimeException();
    }
    Optional<byte[]> key = ch.signingKeys().signingKey(submitter);
    if (key.isEmpty()) {
      throw Status.FAILED_PRECONDITION.withDescription("no signing key registered for "
          + submitter + " (NodeService/RegisterSigningKey)").asRuntimeException();
    }
    byte[] signature = request.getSignature().toByteArray();
    try {
      Commitments.verify(new String(key.get(), StandardCharsets.UTF_8), request);
    } catch (ClaimVerificationException e) {
      throw Status.FAILED_PRECONDITION.withDescription("the commitment signature does not "
          + "verify against the submitter's registered key").asRuntimeException();
    }
    Instant now = ch.clock().instant();
    Instant expires = now.plus(ch.submissionTtl());
    ReceiptBody body = ReceiptBody.newBuilder()
        .setCommitment(c)
        .setCommitmentSignatureSha256(ByteString.copyFrom(
            Sha256.digest(signature)))
        .setCommittedAt(now.getEpochSecond())
        .setExpiresAt(expires.getEpochSecond())
        .setClearinghouse(ch.identity().uri().toString())
        .build();
    Receipt receipt = Receipts.sign(ch.signer(), body);
    ch.submissions().commit(id, submitter, root, signature, receipt.toByteArray(),
        now, expires);
    verifiers.remove(id);
    metrics.submissionCommitted(c.getRecordCount());
    return logged(id, receipt, signature);
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

  /** Checks order and tiers of the staged records and returns their Merkle root. */
  private byte[] scan(String submissionId, long records, int[] tiers)
      throws StoreException, IOException {
    boolean[] allowed = new boolean[256];
    for (int t : tiers) {
      allowed[t] = true;
    }
    StreamingMerkleRoot root = new StreamingMerkleRoot();
    byte[] prev = new byte[TokenRecord.LENGTH];
    byte[] cur = new byte[TokenRecord.LENGTH];
    long index = 0;
    try (InputStream in = new BufferedInputStream(
        Files.newInputStream(ch.submissions().stagedFile(submissionId)), 1 << 16)) {
      while (index < records
          && in.readNBytes(cur, 0, TokenRecord.LENGTH) == TokenRecord.LENGTH) {
        if (index > 0 && Arrays.compareUnsigned(prev, cur) > 0) {
          throw Status.FAILED_PRECONDITION.withDescription("record " + index
              + " is out of order; records must be sorted ascending").asRuntimeException();
        }
        if (!allowed[cur[TokenRecord.TIER_OFFSET] & 0xff]) {
          throw Status.FAILED_PRECONDITION.withDescription("record " + index
              + " names tier " + (cur[TokenRecord.TIER_OFFSET] & 0xff)
              + ", not declared by the submission").asRuntimeException();
        }
        root.addLeaf(cur, 0, TokenRecord.LENGTH);
        byte[] t = prev;
        prev = cur;
        cur = t;
        index++;
      }
    }
    return root.root();
  }

  /** Validates an UploadBegin against the caller and the published scope. */
  private UploadSpec spec(NodeIdentity caller, UploadBegin b) {
    SubmissionRole role = b.getRole();
    if (role == SubmissionRole.SUBMISSION_ROLE_REPORT) {
      if (caller.role() != Role.PLATFORM && caller.role() != Role.CLEARINGHOUSE) {
        throw Status.PERMISSION_DENIED.withDescription("role " + caller.role().id()
            + " may not submit reports").asRuntimeException();
      }
    } else if (role == SubmissionRole.SUBMISSION_ROLE_WATCHLIST) {
      if (caller.role() != Role.NGO) {
        throw Status.PERMISSION_DENIED.withDescription("role " + caller.role().id()
            + " may not submit watchlists").asRuntimeException();
      }
    } else {
      throw invalid("role must be REPORT or WATCHLIST");
    }
    if (b.getKeyMode() != KeyMode.KEY_MODE_HMAC && b.getKeyMode() != KeyMode.KEY_MODE_OPRF) {
      throw invalid("key mode must be HMAC or OPRF");
    }
    if (!MessageDigest.isEqual(b.getScopeDigest().toByteArray(), ch.scope().digest())) {
      throw Status.FAILED_PRECONDITION.withDescription("scope digest differs from the "
          + "published scope " + ch.scope().id() + " (sha256:" + ch.scope().digestHex() + ")")
          .asRuntimeException();
    }
    boolean oprf = b.getKeyMode() == KeyMode.KEY_MODE_OPRF;
    if (oprf ? !ch.oprfEpochs().containsKey(b.getKeyId())
        : !ch.acceptedKeyIds().contains(b.getKeyId())) {
      throw Status.FAILED_PRECONDITION.withDescription((oprf ? "oprf key epoch " : "hmac key id ")
          + Integer.toUnsignedString(b.getKeyId()) + " is not accepted for this scope")
          .asRuntimeException();
    }
    List<Integer> tiers = b.getTiersList();
    int[] tierNumbers = new int[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      int t = tiers.get(i);
      if (t >= ch.scope().tiers().size() || (i > 0 && t <= tierNumbers[i - 1])) {
        throw Status.FAILED_PRECONDITION.withDescription("tier set " + tiers
            + " is not an ascending subset of the scope's " + ch.scope().tiers().size()
            + " tiers").asRuntimeException();
      }
      tierNumbers[i] = t;
    }
    if (tierNumbers.length == 0) {
      throw invalid("no tiers");
    }
    try {
      return new UploadSpec(SubmissionIds.storeId(caller.uri().toString(), b.getSubmissionId()),
          caller.uri().toString(),
          role.getNumber(), b.getScopeDigest().toByteArray(), b.getKeyId(), tierNumbers,
          b.getRecordCount());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static UploadStatus status(String id, UploadState state, boolean committed) {
    UploadStatus.Builder b = UploadStatus.newBuilder().setSubmissionId(id).setCommitted(committed);
    if (state != null) {
      b.setNextSequence(state.nextSequence()).setRecordsReceived(state.recordsReceived());
    }
    return b.build();
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
