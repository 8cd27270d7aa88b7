package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import org.blindmatch.crypto.tokenfile.TokenRecord;
import java.util.OptionalLong;
import org.blindmatch.proto.v1.AddCosignatureRequest;
import org.blindmatch.proto.v1.AddCosignatureResponse;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.CheckpointNote;
import org.blindmatch.proto.v1.GetCheckpointRequest;
import org.blindmatch.proto.v1.ConsistencyProof;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetEntriesResponse;
import org.blindmatch.proto.v1.GetInclusionProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.GetSubmissionRecordsRequest;
import org.blindmatch.proto.v1.InclusionProof;
import org.blindmatch.proto.v1.RecordsChunk;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.server.store.StoreException;

/**
 * gRPC adapter of {@link Audit}. Replayed records are streamed with flow control, so a slow
 * auditor never makes the server buffer a whole token set.
 */
final class AuditServiceImpl extends AuditServiceGrpc.AuditServiceImplBase {
  /** Records per replay chunk: just under 64 KiB. */
  static final int RECORDS_PER_CHUNK = 1985;

  private final Audit audit;

  AuditServiceImpl(Audit audit) {
    this.audit = audit;
  }

  @Override
  public void getSignedTreeHead(GetSignedTreeHeadRequest request,
      StreamObserver<SignedTreeHead> response) {
    GrpcErrors.respond(response, audit::signedTreeHead);
  }

  @Override
  public void getConsistencyProof(GetConsistencyProofRequest request,
      StreamObserver<ConsistencyProof> response) {
    GrpcErrors.respond(response,
        () -> audit.consistencyProof(request.getFirst(), request.getSecond()));
  }

  @Override
  public void getInclusionProof(GetInclusionProofRequest request,
      StreamObserver<InclusionProof> response) {
    GrpcErrors.respond(response,
        () -> audit.inclusionProof(request.getIndex(), request.getTreeSize()));
  }

  @Override
  public void getEntries(GetEntriesRequest request,
      StreamObserver<GetEntriesResponse> response) {
    GrpcErrors.respond(response, () -> audit.entries(request.getStart(), request.getEnd()));
  }

  @Override
  public void getCheckpoint(GetCheckpointRequest request,
      StreamObserver<CheckpointNote> response) {
    GrpcErrors.respond(response, () -> audit.checkpoint(request.hasTreeSize()
        ? OptionalLong.of(request.getTreeSize()) : OptionalLong.empty()));
  }

  @Override
  public void addCosignature(AddCosignatureRequest request,
      StreamObserver<AddCosignatureResponse> response) {
    GrpcErrors.respond(response, () -> AddCosignatureResponse.newBuilder()
        .setCosignatures(audit.addCosignature(request.getTreeSize(), request.getWitnessKey(),
            request.getCosignature()))
        .build());
  }

  @Override
  public void getSubmissionRecords(GetSubmissionRecordsRequest request,
      StreamObserver<RecordsChunk> response) {
    InputStream records;
    try {
      records = audit.submissionRecords(request.getSubmitter(), request.getSubmissionId());
    } catch (ClearinghouseException | StoreException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    new RecordsPump(records, (ServerCallStreamObserver<RecordsChunk>) response,
        request.getSubmissionId()).start();
  }

  /** Streams one submission's records, writing only while the transport is ready. */
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
        out.onError(GrpcErrors.toStatus(Audit.unreadableRecords(what)));
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
}
