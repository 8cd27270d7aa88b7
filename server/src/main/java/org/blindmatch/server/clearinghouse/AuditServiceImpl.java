package org.blindmatch.server.clearinghouse;

import org.blindmatch.core.limits.Limits;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.ConsistencyProof;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetEntriesResponse;
import org.blindmatch.proto.v1.GetInclusionProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.GetSubmissionRecordsRequest;
import org.blindmatch.proto.v1.RecordsChunk;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;
import org.blindmatch.server.store.SubmissionStore;

/**
 * Serves the transparency log: signed tree heads, proofs and entries, and the committed
 * records of a submission for audit replay. Sizes and indices are checked against the current
 * tree before anything is computed. Thread-safe.
 */
final class AuditServiceImpl extends AuditServiceGrpc.AuditServiceImplBase {
  /** Most entries one GetEntries call returns. */

  /** Records per replay chunk: just under 64 KiB. */
  static final int RECORDS_PER_CHUNK = 1985;

  private final TransparencyLog log;
  private final SubmissionStore store;

  AuditServiceImpl(Clearinghouse ch) {
    this.log = ch.log();
    this.store = ch.submissions();
  }

  @Override
  public void getSignedTreeHead(GetSignedTreeHeadRequest request,
      StreamObserver<SignedTreeHead> response) {
    try {
      response.onNext(log.signedTreeHead());
      response.onCompleted();
    } catch (GeneralSecurityException e) {
      response.onError(Status.INTERNAL.withDescription("cannot sign the tree head")
          .asRuntimeException());
    }
  }

  @Override
  public void getConsistencyProof(GetConsistencyProofRequest request,
      StreamObserver<ConsistencyProof> response) {
    try {
      long first = request.getFirst();
      long second = request.getSecond();
      // uint64 values above 2^63 - 1 arrive negative.
      if (first < 0 || second < 0 || first > second) {
        throw invalid("sizes must satisfy 0 <= first <= second");
      }
      requireWithinTree(second, "second");
      response.onNext(ConsistencyProof.newBuilder()
          .addAllHashes(bytes(log.consistencyProof(first, second))).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void getInclusionProof(GetInclusionProofRequest request,
      StreamObserver<InclusionProof> response) {
    try {
      long index = request.getIndex();
      long treeSize = request.getTreeSize();
      if (index < 0 || treeSize < 0 || index >= treeSize) {
        throw invalid("index and tree size must satisfy 0 <= index < tree_size");
      }
      requireWithinTree(treeSize, "tree_size");
      response.onNext(InclusionProof.newBuilder().setIndex(index).setTreeSize(treeSize)
          .addAllHashes(bytes(log.inclusionProof(index, treeSize))).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  @Override
  public void getEntries(GetEntriesRequest request,
      StreamObserver<GetEntriesResponse> response) {
    try {
      long start = request.getStart();
      long end = request.getEnd();
      if (start < 0 || end < 0 || start > end) {
        throw invalid("range must satisfy 0 <= start <= end");
      }
      requireWithinTree(start, "start");
      List<byte[]> entries = log.entries(start, Math.min(end, start + Limits.MAX_LOG_ENTRIES_PER_PAGE));
      GetEntriesResponse.Builder out = GetEntriesResponse.newBuilder();
      for (byte[] e : entries) {
        out.addEntries(ByteString.copyFrom(e));
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    }
  }

  @Override
  public void getSubmissionRecords(GetSubmissionRecordsRequest request,
      StreamObserver<RecordsChunk> response) {
    InputStream records;
    try {
      String storeId = SubmissionIds.storeId(request.getSubmitter(), request.getSubmissionId());
      Optional<StoredSubmission> found = store.find(storeId);
      if (found.isEmpty()) {
        throw Status.NOT_FOUND.withDescription("no committed submission "
            + request.getSubmissionId() + " of " + request.getSubmitter()).asRuntimeException();
      }
      if (found.get().purged()) {
        throw Status.FAILED_PRECONDITION.withDescription("the token data of submission "
            + request.getSubmissionId() + " of " + request.getSubmitter() + " was purged at "
            + found.get().expiresAt() + "; only its commitment is kept").asRuntimeException();
      }
      records = store.openRecords(storeId);
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
      return;
    }
    new RecordsPump(records, (ServerCallStreamObserver<RecordsChunk>) response,
        request.getSubmissionId()).start();
  }

  /**
   * Streams one submission's records, writing only while the transport is ready so a slow
   * auditor never makes the server buffer a whole token set.
   */
  private static final class RecordsPump {
    private final InputStream in;
    private final ServerCallStreamObserver<RecordsChunk> out;
    private final String what;
    private final byte[] buffer = new byte[RECORDS_PER_CHUNK * TokenRecord.LENGTH];
    private boolean done;

    RecordsPump(InputStream in, ServerCallStreamObserver<RecordsChunk> out, String what) {
      this.in = in;
      this.out = out;
      this.what = what;
    }

    void start() {
      out.setOnCancelHandler(this::finish);
      out.setOnReadyHandler(this::pump);
    }

    private void pump() {
      try {
        while (!done && out.isReady()) {
          int n = in.readNBytes(buffer, 0, buffer.length);
          if (n == 0) {
            finish();
            out.onCompleted();
            return;
          }
          out.onNext(RecordsChunk.newBuilder().setRecords(ByteString.copyFrom(buffer, 0, n))
              .build());
        }
      } catch (IOException e) {
        finish();
        out.onError(Status.DATA_LOSS.withDescription("the stored records of submission "
            + what + " cannot be read intact").asRuntimeException());
      }
    }

    private void finish() {
      if (!done) {
        done = true;
        try {
          in.close();
        } catch (IOException e) {
          // Nothing more to send either way.
        }
      }
    }
  }

  private void requireWithinTree(long value, String what) {
    long size = log.size();
    if (value > size) {
      throw Status.OUT_OF_RANGE.withDescription(what + " " + value
          + " is beyond the current tree size " + size).asRuntimeException();
    }
  }

  private static List<ByteString> bytes(List<byte[]> hashes) {
    return hashes.stream().map(ByteString::copyFrom).toList();
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
