package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.NodeServiceGrpc;
import org.blindmatch.proto.v1.RegisterSigningKeyRequest;
import org.blindmatch.proto.v1.RegisterSigningKeyResponse;
import org.blindmatch.server.security.CallerIdentity;
import org.blindmatch.server.store.StoreException;

/**
 * Registers a node's public signing keyset under its certificate identity, once, and logs the
 * node (identity, role, certificate and keyset fingerprints) in the transparency log.
 */
final class NodeServiceImpl extends NodeServiceGrpc.NodeServiceImplBase {
  private final Clearinghouse ch;

  NodeServiceImpl(Clearinghouse ch) {
    this.ch = ch;
  }

  @Override
  public void registerSigningKey(RegisterSigningKeyRequest request,
      StreamObserver<RegisterSigningKeyResponse> response) {
    org.blindmatch.crypto.pki.NodeIdentity node = CallerIdentity.current();
    String caller = node.uri().toString();
    String keyset = request.getPublicKeyset();
    try {
      // Loading as a keyset without secrets rejects private keys and garbage.
      NodeSigner.verifier(keyset);
    } catch (GeneralSecurityException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(
          "not a Tink public signing keyset").asRuntimeException());
      return;
    }
    try {
      ch.signingKeys().putSigningKey(caller,
          keyset.getBytes(StandardCharsets.UTF_8));
      FederationLog.member(ch, node, CallerIdentity.CERTIFICATE.get(), keyset);
      response.onNext(RegisterSigningKeyResponse.newBuilder()
          .setKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(keyset))).build());
      response.onCompleted();
    } catch (StoreException e) {
      response.onError(e.kind() == StoreException.Kind.CONFLICT
          ? Status.ALREADY_EXISTS.withDescription("a different signing key is already "
              + "registered for " + caller).asRuntimeException()
          : StoreStatus.of(e));
    }
  }

  /** True if the keyset parses as public-only (so the failure was the empty signature). */}
