package org.blindmatch.server.clearinghouse;

import io.grpc.stub.StreamObserver;
import org.blindmatch.proto.v1.AdminServiceGrpc;
import org.blindmatch.proto.v1.ListRunsRequest;
import org.blindmatch.proto.v1.ListRunsResponse;
import org.blindmatch.proto.v1.ListSubmissionsRequest;
import org.blindmatch.proto.v1.ListSubmissionsResponse;

/** gRPC adapter of {@link Admin}. */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private final Admin admin;

  AdminServiceImpl(Admin admin) {
    this.admin = admin;
  }

  @Override
  public void listSubmissions(ListSubmissionsRequest request,
      StreamObserver<ListSubmissionsResponse> response) {
    GrpcErrors.respond(response, admin::submissions);
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
    GrpcErrors.respond(response, admin::runs);
  }
}
