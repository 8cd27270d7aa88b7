package org.blindmatch.cli.federation;

import org.blindmatch.client.audit.AuditState;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.audit.LogAuditor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.blindmatch.client.audit.AuditException;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.GetEntriesRequest;
import org.blindmatch.proto.v1.GetEntriesResponse;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;
import org.blindmatch.core.claims.TreeHeads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LogAuditor} over many {@code GetEntries} pages (it fetches the next page while it
 * checks the current one), against an in-process log service: every entry read once, in
 * order, whatever the page size; a failure on a later page, or a bad entry on one, reported
 * as on the first.
 */
class LogAuditorPagingTest {
  private static final int ENTRIES = 1000;
  private static final int PAGE = 97;
  private static final String AUDITOR = "blindmatch://test/auditor/a";

  private final List<Long> requested = new CopyOnWriteArrayList<>();
  private NodeSigner clearinghouse;
  private List<byte[]> log;
  private SignedTreeHead head;
  private volatile long failFrom = Long.MAX_VALUE;
  private Server server;
  private ManagedChannel channel;
  private FederationClient client;

  @BeforeEach
  void fakeClearinghouse() throws Exception {
    clearinghouse = NodeSigner.of(NodeSigner.generate());
    String keyset = NodeSigner.of(NodeSigner.generate()).publicKeysetJson();
    log = new ArrayList<>();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < ENTRIES; i++) {
      byte[] fingerprint = new byte[32];
      fingerprint[0] = (byte) i;
      fingerprint[1] = (byte) (i >> 8);
      byte[] e = LogEntry.newBuilder().setMember(Member.newBuilder()
          .setIdentity("blindmatch://test/platform/p" + (i % 7)).setRole("platform")
          .setCertificateSha256(ByteString.copyFrom(fingerprint))
          .setSigningKeyset(keyset + "\n".repeat(i % 7))
          .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(
              keyset + "\n".repeat(i % 7))))).build().toByteArray();
      log.add(e);
      tree.append(MerkleHash.leafHash(e));
    }
    head = TreeHeads.sign(clearinghouse, TreeHead.newBuilder().setTreeSize(ENTRIES)
        .setRootHash(ByteString.copyFrom(tree.root())).setTimestamp(1)
        .setClearinghouse("blindmatch://test/clearinghouse/c").build());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ScopeServiceGrpc.ScopeServiceImplBase() {
          @Override
          public void getScope(GetScopeRequest request, StreamObserver<PublishedScope> out) {
            out.onNext(PublishedScope.newBuilder()
                .setClearinghousePublicKeyset(clearinghouse.publicKeysetJson()).build());
            out.onCompleted();
          }
        })
        .addService(new AuditServiceGrpc.AuditServiceImplBase() {
          @Override
          public void getSignedTreeHead(GetSignedTreeHeadRequest request,
              StreamObserver<SignedTreeHead> out) {
            out.onNext(head);
            out.onCompleted();
          }

          @Override
          public void getEntries(GetEntriesRequest request,
              StreamObserver<GetEntriesResponse> out) {
            long start = request.getStart();
            requested.add(start);
            if (start >= failFrom) {
              out.onError(Status.UNAVAILABLE.withDescription("the store went away")
                  .asRuntimeException());
              return;
            }
            GetEntriesResponse.Builder page = GetEntriesResponse.newBuilder();
            for (long i = start; i < Math.min(request.getEnd(), start + PAGE); i++) {
              page.addEntries(ByteString.copyFrom(log.get((int) i)));
            }
            out.onNext(page.build());
            out.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = FederationClient.overChannel(channel, NodeIdentity.fromUri(AUDITOR),
        NodeSigner.of(NodeSigner.generate()));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void everyPageIsReadOnceInOrder() throws Exception {
    LogAuditor.Report report = new LogAuditor(client).verify(new AuditState(), false);
    assertEquals(ENTRIES, report.members());
    assertEquals(ENTRIES, report.treeHead().getTreeSize());
    List<Long> expected = new ArrayList<>();
    for (long s = 0; s < ENTRIES; s += PAGE) {
      expected.add(s);
    }
    assertEquals(expected, requested);
  }

  @Test
  void aFailureOnALaterPageIsReportedAsOnTheFirst() {
    failFrom = 5L * PAGE;
    AuditException e = assertThrows(AuditException.class,
        () -> new LogAuditor(client).verify(new AuditState(), false));
    assertEquals("cannot read the log: the server is unavailable (UNAVAILABLE: the store went "
        + "away): check that it is running (`blindmatch health`) and retry", e.getMessage());
  }

  @Test
  void aBadEntryOnALaterPageIsNamedByItsIndex() {
    log.set(700, LogEntry.newBuilder().setMember(Member.newBuilder()
        .setIdentity("blindmatch://other/platform/p").setRole("platform")).build()
        .toByteArray());
    AuditException e = assertThrows(AuditException.class,
        () -> new LogAuditor(client).verify(new AuditState(), false));
    assertTrue(e.getMessage().startsWith("log entry 700: member: "), e.getMessage());
    // Also when the read of the next page (which runs ahead) fails.
    failFrom = 8L * PAGE;
    e = assertThrows(AuditException.class,
        () -> new LogAuditor(client).verify(new AuditState(), false));
    assertTrue(e.getMessage().startsWith("log entry 700: member: "), e.getMessage());
  }
}
