package org.blindmatch.server.clearinghouse;

import io.grpc.stub.StreamObserver;
import org.blindmatch.proto.v1.NodeServiceGrpc;
import org.blindmatch.proto.v1.RegisterSigningKeyRequest;
import org.blindmatch.proto.v1.RegisterSigningKeyResponse;
import org.blindmatch.server.security.CallerIdentity;

/** gRPC adapter of {@link Nodes}: the caller registers its signing key. */
final class NodeServiceImpl extends NodeServiceGrpc.NodeServiceImplBase {
  private final Nodes nodes;

  NodeServiceImpl(Nodes nodes) {
    this.nodes = nodes;
  }

  @Override
  public void registerSigningKey(RegisterSigningKeyRequest request,
      StreamObserver<RegisterSigningKeyResponse> response) {
    GrpcErrors.respond(response, () -> nodes.register(CallerIdentity.current(),
        CallerIdentity.CERTIFICATE.get(), request.getPublicKeyset()));
  }
}
