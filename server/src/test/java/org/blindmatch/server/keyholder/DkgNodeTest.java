package org.blindmatch.server.keyholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.oprf.dkg.DkgEnvelope;
import org.blindmatch.crypto.oprf.dkg.DkgException;
import org.blindmatch.crypto.oprf.dkg.DkgRound;
import org.blindmatch.crypto.oprf.dkg.DkgSession;
import org.blindmatch.crypto.pki.FederationCa;
import org.blindmatch.crypto.pki.IssuedNode;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.DkgFetchRequest;
import org.blindmatch.proto.v1.DkgMessage;
import org.blindmatch.proto.v1.DkgServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DKG nodes over real Netty mutual TLS on loopback: a keyholder that sends one peer a bad
 * share is either justified or excluded by everyone, and the service answers only the run's
 * keyholders, each only as itself.
 */
class DkgNodeTest {
  private static final int N = 3;
  private FederationCa ca;
  private final List<TlsMaterial> tls = new ArrayList<>();
  private final List<NodeSigner> signers = new ArrayList<>();
  private DkgSession session;
  private final List<DkgNode> nodes = new ArrayList<>();

  private TlsMaterial issue(Role role, String name) throws Exception {
    IssuedNode n = ca.issue(new NodeIdentity("fed", role, name), List.of("localhost"),
        List.of("127.0.0.1"), Duration.ofDays(1));
    return new TlsMaterial(ca.certificate(), n.certificate(), n.privateKey(),
        new NodeIdentity("fed", role, name));
  }

  @BeforeEach
  void federation() throws Exception {
    ca = FederationCa.create("fed", Duration.ofDays(2));
    List<NodeIdentity> ids = new ArrayList<>();
    for (int i = 1; i <= N; i++) {
      tls.add(issue(Role.KEYHOLDER, "kh" + i));
      signers.add(NodeSigner.of(NodeSigner.generate()));
      ids.add(new NodeIdentity("fed", Role.KEYHOLDER, "kh" + i));
    }
    session = new DkgSession("fed", 3, "node-test-01", 2, ids);
  }

  @AfterEach
  void close() {
    nodes.forEach(DkgNode::close);
  }

  private void start(DkgNode.Wire wireOfOne) throws Exception {
    for (int i = 1; i <= N; i++) {
      DkgNode.Settings s = new DkgNode.Settings(session, tls.get(i - 1), signers.get(i - 1),
          new InetSocketAddress("127.0.0.1", 0), Duration.ofMinutes(2), Duration.ofMinutes(2));
      nodes.add(i == 1 ? DkgNode.start(s, wireOfOne) : DkgNode.start(s));
    }
  }

  /** Runs every node; each outcome or its exception, by index. */
  private Map<Integer, Object> runAll() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(N);
    try {
      Map<Integer, Future<Object>> f = new HashMap<>();
      for (DkgNode node : nodes) {
        Map<Integer, HostPort> peers = new HashMap<>();
        for (DkgNode other : nodes) {
          if (other != node) {
            peers.put(other.index(), new HostPort("127.0.0.1", other.port()));
          }
        }
        f.put(node.index(), pool.submit(() -> {
          try {
            return (Object) node.run(peers, line -> { });
          } catch (DkgException e) {
            return e;
          }
        }));
      }
      Map<Integer, Object> out = new HashMap<>();
      for (var e : f.entrySet()) {
        out.put(e.getKey(), e.getValue().get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] corruptShare(byte[] body) {
    byte[] b = body.clone();
    b[b.length - 40] ^= 1; // inside f(j), the second-to-last scalar
    return b;
  }

  private static DkgNode.Outcome outcome(Object o) {
    if (o instanceof Exception e) {
      throw new AssertionError(e.getMessage(), e);
    }
    return (DkgNode.Outcome) o;
  }

  @Test
  void badShareToOnePeerThatIsJustifiedKeepsTheDealer() throws Exception {
    start((round, to, body) -> round == DkgRound.DEAL && to == 2 ? corruptShare(body) : body);
    Map<Integer, Object> out = runAll();
    DkgNode.Outcome one = outcome(out.get(1));
    for (int i = 2; i <= N; i++) {
      DkgNode.Outcome o = outcome(out.get(i));
      assertEquals(one.result().groupKey(), o.result().groupKey());
      assertEquals(List.of(1, 2, 3), List.copyOf(o.result().qualified()));
      assertEquals(N, o.attestation().confirmations().size());
      // Every holder's confirmation carries the certificate it presented with its HELLO,
      // which the clearinghouse logs for auditors.
      for (var c : o.attestation().confirmations().entrySet()) {
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate)
            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                new java.io.ByteArrayInputStream(c.getValue().certificate()));
        assertEquals(session.participant(c.getKey()),
            org.blindmatch.crypto.pki.NodeCertificates.identityOf(cert));
      }
    }
  }

  @Test
  void badShareToOnePeerAndABadJustificationExcludesTheDealer() throws Exception {
    start((round, to, body) -> (round == DkgRound.DEAL && to == 2)
        || round == DkgRound.JUSTIFY ? corruptShare(body) : body);
    Map<Integer, Object> out = runAll();
    // The cheater believes its own (honest) justification, so it learns only at the end that
    // the others qualified without it; it ends without a share either way.
    assertTrue(out.get(1) instanceof DkgException e && e.getMessage().contains("[2, 3]"),
        String.valueOf(out.get(1)));
    DkgNode.Outcome two = outcome(out.get(2));
    DkgNode.Outcome three = outcome(out.get(3));
    assertEquals(two.result().groupKey(), three.result().groupKey());
    assertEquals(List.of(2, 3), List.copyOf(two.result().qualified()));
    assertTrue(two.result().excluded().get(1).contains("does not match its commitments"),
        two.result().excluded().toString());
    assertEquals(java.util.Set.of(2, 3), two.attestation().confirmations().keySet());
  }

  private ManagedChannel channelTo(DkgNode node, TlsMaterial as) throws Exception {
    return NettyChannelBuilder.forAddress("127.0.0.1", node.port())
        .sslContext(MutualTls.clientContext(as)).build();
  }

  @Test
  void onlyTheRunsKeyholdersAreAnsweredEachAsItself() throws Exception {
    start((round, to, body) -> body);
    DkgNode one = nodes.get(0);
    // Keyholder 2 announces a HELLO claiming to be keyholder 3: refused.
    ManagedChannel asTwo = channelTo(one, tls.get(1));
    try {
      DkgEnvelope.Sealed forged = DkgEnvelope.seal(session, DkgRound.HELLO, 3, 1,
          signers.get(1).publicKeysetJson().getBytes(StandardCharsets.UTF_8), signers.get(1));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> DkgServiceGrpc.newBlockingStub(asTwo).hello(DkgMessage.newBuilder()
              .setPayload(ByteString.copyFrom(forged.payload()))
              .setSignature(ByteString.copyFrom(forged.signature())).build()));
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
      // A HELLO of another session: refused as malformed for this run.
      DkgSession other = new DkgSession("fed", 3, "another-session", 2,
          session.participants());
      DkgEnvelope.Sealed replay = DkgEnvelope.seal(other, DkgRound.HELLO, 2, 1,
          signers.get(1).publicKeysetJson().getBytes(StandardCharsets.UTF_8), signers.get(1));
      e = assertThrows(StatusRuntimeException.class,
          () -> DkgServiceGrpc.newBlockingStub(asTwo).hello(DkgMessage.newBuilder()
              .setPayload(ByteString.copyFrom(replay.payload()))
              .setSignature(ByteString.copyFrom(replay.signature())).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("another-session"));
    } finally {
      asTwo.shutdownNow();
    }
    // A keyholder of the federation that is not in the run, and a platform: refused.
    for (TlsMaterial outsider : List.of(issue(Role.KEYHOLDER, "kh9"),
        issue(Role.PLATFORM, "platform-a"))) {
      ManagedChannel c = channelTo(one, outsider);
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> DkgServiceGrpc.newBlockingStub(c).fetch(DkgFetchRequest.newBuilder()
                .setSessionId(session.sessionId()).setRound(DkgRound.DEAL.code()).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(),
            outsider.identity().toString());
      } finally {
        c.shutdownNow();
      }
    }
  }

  /**
   * DkgFetchRequest.round (uint32) at 0, 2^31-1, 2^31, 2^32-1: no round, INVALID_ARGUMENT
   * naming it unsigned (it was NOT_FOUND "not reached yet", printed negative from 2^31).
   */
  @Test
  void aRoundOutsideTheRunIsInvalidAndNamedUnsigned() throws Exception {
    start((round, to, body) -> body);
    ManagedChannel asTwo = channelTo(nodes.get(0), tls.get(1));
    try {
      for (int round : new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> DkgServiceGrpc.newBlockingStub(asTwo).fetch(DkgFetchRequest.newBuilder()
                .setSessionId(session.sessionId()).setRound(round).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("round " + Integer.toUnsignedString(round) + " is not a fetchable DKG "
            + "round (1 DEAL .. 5 CONFIRM)", e.getStatus().getDescription());
      }
    } finally {
      asTwo.shutdownNow();
    }
  }
}
