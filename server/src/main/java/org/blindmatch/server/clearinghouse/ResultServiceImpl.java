package org.blindmatch.server.clearinghouse;

import io.grpc.stub.StreamObserver;
import org.blindmatch.proto.v1.GetResultsRequest;
import org.blindmatch.proto.v1.GetResultsResponse;
import org.blindmatch.proto.v1.ListResultsRequest;
import org.blindmatch.proto.v1.ListResultsResponse;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.server.security.CallerIdentity;

/** gRPC adapter of {@link Results}: the caller's own results of a run, and its runs. */
final class ResultServiceImpl extends ResultServiceGrpc.ResultServiceImplBase {
  private final Results results;

  ResultServiceImpl(Results results) {
    this.results = results;
  }

  @Override
  public void getResults(GetResultsRequest request, StreamObserver<GetResultsResponse> response) {
    GrpcErrors.respond(response,
        () -> results.forCaller(CallerIdentity.current(), request.getRunId()));
  }

  @Override
  public void listResults(ListResultsRequest request,
      StreamObserver<ListResultsResponse> response) {
    GrpcErrors.respond(response, () -> results.list(CallerIdentity.current()));
  }
}
