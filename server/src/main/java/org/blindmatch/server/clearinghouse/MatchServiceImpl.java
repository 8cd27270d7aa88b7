package org.blindmatch.server.clearinghouse;

import io.grpc.stub.StreamObserver;
import org.blindmatch.proto.v1.MatchServiceGrpc;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.StartRunRequest;

/** gRPC adapter of {@link MatchRuns}. */
final class MatchServiceImpl extends MatchServiceGrpc.MatchServiceImplBase {
  private final MatchRuns runs;

  MatchServiceImpl(MatchRuns runs) {
    this.runs = runs;
  }

  @Override
  public void startRun(StartRunRequest request, StreamObserver<SignedTranscript> response) {
    GrpcErrors.respond(response, () -> runs.start(request.getScopeId(), request.getAllowDifferencing()));
  }
}
