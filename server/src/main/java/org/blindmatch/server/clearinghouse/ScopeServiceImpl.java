package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.Scope;
import org.blindmatch.proto.v1.ScopeServiceGrpc;

/** Publishes the scope, the accepted key ids, k and the clearinghouse's public key. */
final class ScopeServiceImpl extends ScopeServiceGrpc.ScopeServiceImplBase {
  private final PublishedScope published;

  ScopeServiceImpl(Clearinghouse ch) {
    Scope.Builder scope = Scope.newBuilder()
        .setId(ch.scope().id())
        .setDigest(ByteString.copyFrom(ch.scope().digest()));
    for (Tier t : ch.scope().tiers()) {
      scope.addTiers(org.blindmatch.proto.v1.Tier.newBuilder()
          .setName(t.name())
          .setBucketWidthSeconds(t.bucketWidth().seconds())
          .setIpv4Prefix(t.ipv4Prefix())
          .setIpv6Prefix(t.ipv6Prefix())
          .setWatchlistToleranceSeconds(t.watchlistToleranceSeconds())
          .setMaxBucketsPerWindow(t.maxBucketsPerWindow())
          .setMaxAddressesPerCidr(t.maxAddressesPerCidr()));
    }
    published = PublishedScope.newBuilder()
        .setScope(scope)
        .addAllAcceptedKeyIds(ch.acceptedKeyIds())
        .addAllAcceptedOprfEpochs(new java.util.TreeSet<>(ch.oprfEpochs().keySet()))
        .setKThreshold(ch.kThreshold())
        .setClearinghousePublicKeyset(ch.signer().publicKeysetJson())
        .build();
  }

  @Override
  public void getScope(GetScopeRequest request, StreamObserver<PublishedScope> response) {
    response.onNext(published);
    response.onCompleted();
  }
}
