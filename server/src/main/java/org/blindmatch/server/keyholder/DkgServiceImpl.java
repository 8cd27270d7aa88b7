package org.blindmatch.server.keyholder;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.blindmatch.crypto.oprf.dkg.DkgEnvelope;
import org.blindmatch.crypto.oprf.dkg.DkgException;
import org.blindmatch.crypto.oprf.dkg.DkgRound;
import org.blindmatch.crypto.oprf.dkg.DkgSession;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.DkgFetchRequest;
import org.blindmatch.proto.v1.DkgHelloResponse;
import org.blindmatch.proto.v1.DkgMessage;
import org.blindmatch.proto.v1.DkgServiceGrpc;
import org.blindmatch.server.security.CallerIdentity;

/**
 * The DKG service of one run: accepts each participant's HELLO (binding its signing keyset to
 * its certificate identity) and hands each participant the messages addressed to it. Only
 * participants of the run are answered. Thread-safe.
 */
final class DkgServiceImpl extends DkgServiceGrpc.DkgServiceImplBase {
  private final DkgSession session;
  private final int self;
  private final Map<Integer, String> keysets = new ConcurrentHashMap<>();
  /** Each participant's TLS certificate (DER) as it presented it with its HELLO. */
  private final Map<Integer, byte[]> certificates = new ConcurrentHashMap<>();
  private final Map<String, DkgEnvelope.Sealed> outbox = new ConcurrentHashMap<>();
  private final Set<String> fetched = ConcurrentHashMap.newKeySet();

  DkgServiceImpl(DkgSession session, int self) {
    this.session = session;
    this.self = self;
  }

  /** Publishes this node's message of {@code round} for {@code recipient}. */
  void publish(DkgRound round, int recipient, DkgEnvelope.Sealed sealed) {
    outbox.put(round.code() + "/" + recipient, sealed);
  }

  /** Whether {@code recipient} has fetched its message of {@code round}. */
  boolean fetched(DkgRound round, int recipient) {
    return fetched.contains(round.code() + "/" + recipient);
  }

  /**
   * Participant {@code index}'s TLS certificate (DER) as presented with its HELLO, or null:
   * logged with the epoch so that auditors tie its signing key to it.
   */
  byte[] certificate(int index) {
    byte[] der = certificates.get(index);
    return der == null ? null : der.clone();
  }

  /** Participant {@code index}'s public signing keyset, once its HELLO arrived. */
  String keyset(int index) {
    return keysets.get(index);
  }

  NodeSigner.Verifier verifier(int index) throws DkgException {
    String json = keysets.get(index);
    if (json == null) {
      throw new DkgException("no HELLO (signing key) from keyholder " + index + " yet");
    }
    try {
      return NodeSigner.verifier(json);
    } catch (GeneralSecurityException e) {
      throw new DkgException("keyholder " + index + "'s signing key does not load");
    }
  }

  @Override
  public void hello(DkgMessage request, StreamObserver<DkgHelloResponse> response) {
    NodeIdentity caller = CallerIdentity.current();
    DkgEnvelope.Opened hello;
    try {
      hello = DkgEnvelope.openHello(session, self, sealed(request));
    } catch (DkgException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage())
          .asRuntimeException());
      return;
    }
    if (!session.participant(hello.sender()).equals(caller)) {
      response.onError(Status.PERMISSION_DENIED.withDescription("certificate identity "
          + caller + " is not keyholder " + hello.sender() + " of this run ("
          + session.participant(hello.sender()) + ")").asRuntimeException());
      return;
    }
    String json = new String(hello.body(), java.nio.charset.StandardCharsets.UTF_8);
    java.security.cert.X509Certificate cert = CallerIdentity.CERTIFICATE.get();
    String previous = keysets.putIfAbsent(hello.sender(), json);
    if (previous == null && cert != null) {
      try {
        certificates.put(hello.sender(), cert.getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("a verified peer certificate does not encode", e);
      }
    }
    if (previous != null && !previous.equals(json)) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("keyholder "
          + hello.sender() + " already announced another signing key in this session")
          .asRuntimeException());
      return;
    }
    response.onNext(DkgHelloResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void fetch(DkgFetchRequest request, StreamObserver<DkgMessage> response) {
    NodeIdentity caller = CallerIdentity.current();
    int index = session.indexOf(caller);
    if (index < 0) {
      response.onError(Status.PERMISSION_DENIED.withDescription(caller
          + " does not take part in this DKG run").asRuntimeException());
      return;
    }
    if (!request.getSessionId().equals(session.sessionId())) {
      response.onError(Status.NOT_FOUND.withDescription("this node runs DKG session "
          + session.sessionId() + ", not " + request.getSessionId()).asRuntimeException());
      return;
    }
    // uint32: 2^31 and above are negative as an int, below DEAL's code too.
    int round = request.getRound();
    if (round < DkgRound.DEAL.code() || round > DkgRound.CONFIRM.code()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("round "
          + Integer.toUnsignedString(round) + " is not a fetchable DKG round (1 "
          + "DEAL .. 5 CONFIRM)").asRuntimeException());
      return;
    }
    int recipient = request.getRound() == DkgRound.CONFIRM.code() ? DkgEnvelope.EVERYONE : index;
    String key = request.getRound() + "/" + recipient;
    DkgEnvelope.Sealed sealed = outbox.get(key);
    if (sealed == null) {
      response.onError(Status.NOT_FOUND.withDescription("round " + request.getRound()
          + " not reached yet").asRuntimeException());
      return;
    }
    fetched.add(request.getRound() + "/" + index);
    response.onNext(DkgMessage.newBuilder().setPayload(ByteString.copyFrom(sealed.payload()))
        .setSignature(ByteString.copyFrom(sealed.signature())).build());
    response.onCompleted();
  }

  static DkgEnvelope.Sealed sealed(DkgMessage m) {
    return new DkgEnvelope.Sealed(m.getPayload().toByteArray(), m.getSignature().toByteArray());
  }
}
