package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.GeneralSecurityException;
import java.util.List;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.ConsistencyProof;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetEntriesResponse;
import org.blindmatch.proto.v1.GetInclusionProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.server.log.TransparencyLog;
import org.blindmatch.server.store.StoreException;

/**
 * Serves the transparency log: signed tree heads, proofs and entries. Sizes and indices are
 * checked against the current tree before anything is computed. Thread-safe.
 */
final class AuditServiceImpl extends AuditServiceGrpc.AuditServiceImplBase {
  /** Most entries one GetEntries call returns. */
  static final int MAX_ENTRIES_PER_PAGE = 256;

  private final TransparencyLog log;

  AuditServiceImpl(Clearinghouse ch) {
    this.log = ch.log();
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
      List<byte[]> entries = log.entries(start, Math.min(end, start + MAX_ENTRIES_PER_PAGE));
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
