package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.blindmatch.proto.v1.AdminServiceGrpc;
import org.blindmatch.proto.v1.ListRunsRequest;
import org.blindmatch.proto.v1.ListRunsResponse;
import org.blindmatch.proto.v1.ListSubmissionsRequest;
import org.blindmatch.proto.v1.ListSubmissionsResponse;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SubmissionInfo;
import org.blindmatch.proto.v1.SubmissionRole;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoredSubmission;

/** Submission metadata for the operator; signed run transcripts for operator and auditors. */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private final Clearinghouse ch;

  AdminServiceImpl(Clearinghouse ch) {
    this.ch = ch;
  }

  @Override
  public void listSubmissions(ListSubmissionsRequest request,
      StreamObserver<ListSubmissionsResponse> response) {
    try {
      ListSubmissionsResponse.Builder out = ListSubmissionsResponse.newBuilder();
      for (StoredSubmission s : ch.submissions().listAll()) {
        out.addSubmissions(SubmissionInfo.newBuilder()
            .setSubmissionId(SubmissionIds.clientId(s.spec().submissionId()))
            .setSubmitter(s.spec().submitter())
            .setRole(SubmissionRole.forNumber(s.spec().role()))
            .setKeyId(s.spec().keyId())
            .setRecordCount(s.records())
            .setMerkleRoot(ByteString.copyFrom(s.merkleRoot()))
            .setCommittedAt(s.committedAt().getEpochSecond())
            .setExpiresAt(s.expiresAt().getEpochSecond())
            .setPurged(s.purged()));
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    }
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
    try {
      ListRunsResponse.Builder out = ListRunsResponse.newBuilder();
      for (String runId : ch.transcripts().transcriptRunIds()) {
        Optional<byte[]> t = ch.transcripts().transcript(runId);
        if (t.isPresent()) {
          out.addTranscripts(SignedTranscript.parseFrom(t.get()));
        }
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(StoreStatus.of(e));
    } catch (InvalidProtocolBufferException e) {
      response.onError(Status.DATA_LOSS.withDescription("a stored transcript is corrupt")
          .asRuntimeException());
    }
  }
}
