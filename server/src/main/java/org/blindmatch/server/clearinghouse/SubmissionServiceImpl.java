package org.blindmatch.server.clearinghouse;

import io.grpc.stub.StreamObserver;
import org.blindmatch.proto.v1.CommitRequest;
import org.blindmatch.proto.v1.CommitResponse;
import org.blindmatch.proto.v1.GetUploadStatusRequest;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.proto.v1.UploadRequest;
import org.blindmatch.proto.v1.UploadStatus;
import org.blindmatch.server.security.CallerIdentity;
import org.blindmatch.server.store.StoreException;

/** gRPC adapter of {@link Submissions}: the caller's uploads and commits. */
final class SubmissionServiceImpl extends SubmissionServiceGrpc.SubmissionServiceImplBase {
  private final Submissions submissions;

  SubmissionServiceImpl(Submissions submissions) {
    this.submissions = submissions;
  }

  @Override
  public StreamObserver<UploadRequest> upload(StreamObserver<UploadStatus> response) {
    Submissions.Upload upload = submissions.upload(CallerIdentity.current());
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(UploadRequest request) {
        if (failed) {
          return;
        }
        try {
          upload.accept(request);
        } catch (ClearinghouseException | StoreException e) {
          failed = true;
          response.onError(GrpcErrors.toStatus(e));
        }
      }

      @Override
      public void onError(Throwable t) {
        // Client went away: what was durably appended stays for a resume.
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          GrpcErrors.respond(response, upload::finish);
        }
      }
    };
  }

  @Override
  public void getUploadStatus(GetUploadStatusRequest request,
      StreamObserver<UploadStatus> response) {
    GrpcErrors.respond(response,
        () -> submissions.status(CallerIdentity.current(), request.getSubmissionId()));
  }

  @Override
  public void commit(CommitRequest request, StreamObserver<CommitResponse> response) {
    GrpcErrors.respond(response,
        () -> submissions.commit(CallerIdentity.current(), request));
  }
}
