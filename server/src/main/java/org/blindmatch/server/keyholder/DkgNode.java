package org.blindmatch.server.keyholder;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.blindmatch.core.limits.Limits;
import org.blindmatch.core.transport.HostPort;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.TlsMaterial;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.dkg.DkgEnvelope;
import org.blindmatch.crypto.oprf.dkg.DkgException;
import org.blindmatch.crypto.oprf.dkg.DkgParticipant;
import org.blindmatch.crypto.oprf.dkg.DkgPublicFile;
import org.blindmatch.crypto.oprf.dkg.DkgResult;
import org.blindmatch.crypto.oprf.dkg.DkgRound;
import org.blindmatch.crypto.oprf.dkg.DkgSession;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.DkgFetchRequest;
import org.blindmatch.proto.v1.DkgMessage;
import org.blindmatch.proto.v1.DkgServiceGrpc;
import org.blindmatch.server.config.ConfigException;
import org.blindmatch.server.metrics.ServerMetrics;
import org.blindmatch.server.rpc.NodeServer;
import org.blindmatch.server.security.AuthorizationPolicy;

/**
 * One keyholder's node in a distributed key generation run (docs/PROTOCOL.md §5.2): serves the
 * DKG service over mutual TLS with the keyholder's certificate, and drives the rounds of a
 * {@link DkgParticipant} against the other participants' nodes.
 *
 * <p>Transport: HELLO is pushed (the receiver binds the signing keyset to the caller's
 * certificate identity); every later message is pulled from its sender, who hands it only to the
 * certificate identity it is addressed to, so a DEAL's shares travel only inside mutual TLS to
 * their recipient. Every message is signed ({@link DkgEnvelope}). A participant that has not
 * joined (HELLO both ways) within the join timeout, or that the operators declared absent,
 * takes no part and is excluded as a dealer by the protocol; a message not available within
 * the round timeout counts as not sent.
 *
 * <p>Lifecycle: {@link #start} binds; {@link #run} once; {@link #close}. Not thread-safe.
 */
public final class DkgNode implements AutoCloseable {
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private final Settings settings;
  private final NodeServer server;
  private final DkgServiceImpl service;
  private final int self;
  private final Map<Integer, ManagedChannel> channels = new HashMap<>();
  private final Wire wire;

  /**
   * What this node sends, as it leaves (a seam for tests of misbehaving keyholders; the
   * production node sends its bodies unchanged).
   */
  interface Wire {
    byte[] outgoing(DkgRound round, int recipient, byte[] body);
  }

  /**
   * @param session the run's parameters, identical at every participant
   * @param tls this keyholder's certificate (must be participant of {@code session})
   * @param signer this keyholder's node signing key
   * @param listen where this node serves the DKG service
   * @param joinTimeout how long to wait for every participant's node to be reachable
   * @param roundTimeout how long to wait for a joined participant's message of a round
   * @param absent share indexes of participants every operator agreed will not take part: not
   *     waited for in the join, excluded as dealers like any participant that did not join
   */
  public record Settings(DkgSession session, TlsMaterial tls, NodeSigner signer,
      InetSocketAddress listen, Duration joinTimeout, Duration roundTimeout,
      Set<Integer> absent) {
    public Settings {
      absent = Set.copyOf(absent);
    }

    /** Settings in which every participant is expected to take part. */
    public Settings(DkgSession session, TlsMaterial tls, NodeSigner signer,
        InetSocketAddress listen, Duration joinTimeout, Duration roundTimeout) {
      this(session, tls, signer, listen, joinTimeout, roundTimeout, Set.of());
    }
  }

  /** What a completed run leaves: this keyholder's result and every holder's signature. */
  public record Outcome(DkgResult result, DkgPublicFile.Attestation attestation) {}

  private DkgNode(Settings settings, NodeServer server, DkgServiceImpl service, int self,
      Wire wire) {
    this.wire = wire;
    this.settings = settings;
    this.server = server;
    this.service = service;
    this.self = self;
  }

  /**
   * Binds the DKG service.
   *
   * @throws ConfigException if the certificate is not a keyholder taking part in the run
   */
  public static DkgNode start(Settings s) throws ConfigException, IOException {
    return start(s, (round, recipient, body) -> body);
  }

  static DkgNode start(Settings s, Wire wire) throws ConfigException, IOException {
    DkgSession session = s.session();
    int self = session.indexOf(s.tls().identity());
    if (s.tls().identity().role() != Role.KEYHOLDER || self < 0) {
      throw new ConfigException("tls.cert: " + s.tls().identity() + " is not one of the "
          + "keyholders of this run " + session.participants());
    }
    DkgServiceImpl service = new DkgServiceImpl(session, self);
    AuthorizationPolicy policy = AuthorizationPolicy.builder()
        .allow(DkgServiceGrpc.getHelloMethod().getFullMethodName(), Role.KEYHOLDER)
        .allow(DkgServiceGrpc.getFetchMethod().getFullMethodName(), Role.KEYHOLDER)
        .allow(HealthGrpc.getCheckMethod().getFullMethodName(), Role.values())
        .build();
    NodeServer server = NodeServer.builder(s.listen(), session.federation())
        .tls(s.tls())
        .authorization(policy)
        .metrics(new ServerMetrics())
        .service(service)
        .start();
    return new DkgNode(s, server, service, self, wire);
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** This keyholder's share index in the run. */
  public int index() {
    return self;
  }

  /**
   * Runs the DKG against the other participants' nodes.
   *
   * @param peers the DKG node address of every other participant, by share index
   * @param progress receives one line per step (no secrets)
   * @throws DkgException naming the keyholder and the reason if the run aborts or this
   *     keyholder was excluded
   * @throws PkiException if the TLS client context cannot be built
   */
  public Outcome run(Map<Integer, HostPort> peers, Consumer<String> progress)
      throws DkgException, PkiException, InterruptedException {
    DkgSession session = settings.session();
    for (int j = 1; j <= session.size(); j++) {
      if (j != self && !peers.containsKey(j)) {
        throw new DkgException("no address for keyholder " + j + " ("
            + session.participant(j) + ")");
      }
    }
    var context = MutualTls.clientContext(settings.tls());
    for (Map.Entry<Integer, HostPort> p : peers.entrySet()) {
      channels.put(p.getKey(), NettyChannelBuilder.forAddress(p.getValue().host(),
              p.getValue().port())
          .sslContext(context)
          .maxInboundMessageSize(Limits.CLIENT_MAX_INBOUND_MESSAGE_BYTES)
          .build());
    }
    Set<Integer> joined = join(progress);
    DkgRound[] last = {null};
    try {
      return rounds(joined, last, progress);
    } finally {
      // Excluded or failed: the others still need our messages up to JUSTIFY to agree on
      // QUAL; after that they no longer wait for a keyholder that left.
      if (last[0] != null && last[0].code() <= DkgRound.JUSTIFY.code()) {
        linger(last[0], joined);
      }
    }
  }

  private Outcome rounds(Set<Integer> joined, DkgRound[] last, Consumer<String> progress)
      throws DkgException, InterruptedException {
    DkgSession session = settings.session();
    DkgParticipant me = new DkgParticipant(session, self, new SecureRandom());
    for (DkgRound round : new DkgRound[] {DkgRound.DEAL, DkgRound.COMPLAINTS,
        DkgRound.JUSTIFY, DkgRound.FELDMAN}) {
      Map<Integer, byte[]> out = me.send(round);
      for (Map.Entry<Integer, byte[]> e : out.entrySet()) {
        service.publish(round, e.getKey(), seal(round, e.getKey(),
            wire.outgoing(round, e.getKey(), e.getValue())));
      }
      last[0] = round;
      Set<Integer> from = new LinkedHashSet<>(joined);
      if (round == DkgRound.FELDMAN) {
        from.removeAll(me.excluded().keySet());
        if (!me.excluded().isEmpty()) {
          progress.accept("excluded: " + describe(me.excluded()));
        }
      }
      Map<Integer, DkgEnvelope.Sealed> got = collect(round, from, progress);
      for (Map.Entry<Integer, DkgEnvelope.Sealed> e : got.entrySet()) {
        try {
          DkgEnvelope.Opened o = DkgEnvelope.open(session, self, e.getValue(),
              service::verifier);
          if (o.round() != round || o.sender() != e.getKey()) {
            throw new DkgException("keyholder " + e.getKey() + " answered with a " + o.round()
                + " message from keyholder " + o.sender());
          }
          me.receive(round, o.sender(), o.body());
        } catch (DkgException ex) {
          progress.accept("rejected " + round + " message of keyholder " + e.getKey() + ": "
              + ex.getMessage());
        }
      }
      progress.accept(round + " done: messages from " + got.keySet());
    }
    DkgResult result = me.result();
    return confirm(result, progress);
  }

  private Outcome confirm(DkgResult result, Consumer<String> progress)
      throws DkgException, InterruptedException {
    DkgSession session = settings.session();
    OprfKeyFiles.EpochPublicKey key = result.epochPublicKey();
    byte[] digest = key.statementDigest();
    DkgEnvelope.Sealed mine = seal(DkgRound.CONFIRM, DkgEnvelope.EVERYONE, digest);
    service.publish(DkgRound.CONFIRM, DkgEnvelope.EVERYONE, mine);
    Set<Integer> others = new LinkedHashSet<>(result.qualified());
    others.remove(self);
    Map<Integer, DkgEnvelope.Sealed> got = collect(DkgRound.CONFIRM, others, progress);
    Map<Integer, DkgPublicFile.Confirmation> confirmations = new TreeMap<>();
    byte[] myCertificate;
    try {
      myCertificate = settings.tls().certificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("this keyholder's certificate does not encode", e);
    }
    confirmations.put(self, new DkgPublicFile.Confirmation(self,
        settings.signer().publicKeysetJson(), mine.signature(), myCertificate));
    for (int i : others) {
      DkgEnvelope.Sealed s = got.get(i);
      if (s == null) {
        throw new DkgException("keyholder " + i + " (" + session.participant(i) + ") did not "
            + "confirm the epoch key within " + settings.roundTimeout().toSeconds() + " s; "
            + "the run is incomplete, start a new session");
      }
      DkgEnvelope.Opened o = DkgEnvelope.open(session, self, s, service::verifier);
      if (o.round() != DkgRound.CONFIRM || !Arrays.equals(o.body(), digest)) {
        throw new DkgException("keyholder " + i + " (" + session.participant(i) + ") "
            + "confirmed a different epoch key; the keyholders saw different messages, start a "
            + "new session");
      }
      confirmations.put(i, new DkgPublicFile.Confirmation(i, service.keyset(i),
          s.signature(), service.certificate(i)));
    }
    DkgPublicFile.Attestation attestation = new DkgPublicFile.Attestation(session,
        confirmations);
    DkgPublicFile.verify(key, attestation);
    linger(DkgRound.CONFIRM, others);
    progress.accept("CONFIRM done: the epoch key is signed by keyholders "
        + confirmations.keySet());
    return new Outcome(result, attestation);
  }

  /**
   * Stays up until each of {@code peers} has fetched this node's message of {@code round} (or
   * the round timeout), so that a node that finishes or is excluded first does not leave the
   * others without its last message.
   */
  private void linger(DkgRound round, Set<Integer> peers) throws InterruptedException {
    long until = System.nanoTime() + settings.roundTimeout().toNanos();
    for (int i : peers) {
      while (!service.fetched(round, i) && System.nanoTime() < until) {
        Thread.sleep(50);
      }
    }
  }

  /** Pushes HELLO to every peer and waits for theirs; returns who joined both ways. */
  private Set<Integer> join(Consumer<String> progress)
      throws DkgException, InterruptedException {
    DkgSession session = settings.session();
    byte[] keyset = settings.signer().publicKeysetJson().getBytes(StandardCharsets.UTF_8);
    Set<Integer> pending = new LinkedHashSet<>(channels.keySet());
    pending.removeAll(settings.absent());
    if (!settings.absent().isEmpty()) {
      progress.accept("declared absent, taking no part:" + who(settings.absent()));
    }
    Set<Integer> pushed = new LinkedHashSet<>();
    long until = System.nanoTime() + settings.joinTimeout().toNanos();
    long sleep = 50;
    while (true) {
      for (int j : new LinkedHashSet<>(pending)) {
        if (pushed.contains(j)) {
          continue;
        }
        DkgEnvelope.Sealed hello = seal(DkgRound.HELLO, j, keyset);
        try {
          DkgServiceGrpc.newBlockingStub(channels.get(j))
              .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .hello(DkgMessage.newBuilder()
                  .setPayload(com.google.protobuf.ByteString.copyFrom(hello.payload()))
                  .setSignature(com.google.protobuf.ByteString.copyFrom(hello.signature()))
                  .build());
          pushed.add(j);
        } catch (StatusRuntimeException e) {
          if (!retryable(e)) {
            throw new DkgException("keyholder " + j + " (" + session.participant(j)
                + ") refused this keyholder's HELLO: " + e.getStatus().getCode() + ": "
                + e.getStatus().getDescription());
          }
        }
      }
      pending.removeIf(j -> pushed.contains(j) && service.keyset(j) != null);
      if (pending.isEmpty() || System.nanoTime() > until) {
        break;
      }
      Thread.sleep(sleep);
      sleep = Math.min(sleep * 2, 1000);
    }
    Set<Integer> joined = new LinkedHashSet<>(channels.keySet());
    joined.removeAll(pending);
    joined.removeAll(settings.absent());
    if (!pending.isEmpty()) {
      progress.accept("not reachable within " + settings.joinTimeout().toSeconds()
          + " s, taking no part:" + who(pending));
    }
    progress.accept("HELLO done: joined " + joined);
    return joined;
  }

  /** " 3 (blindmatch://…/keyholder-3)" for each index. */
  private String who(Set<Integer> indexes) {
    StringBuilder who = new StringBuilder();
    for (int j : new java.util.TreeSet<>(indexes)) {
      who.append(' ').append(j).append(" (").append(settings.session().participant(j))
          .append(')');
    }
    return who.toString();
  }

  /** Fetches {@code round} from each of {@code from} until all answered or the timeout. */
  private Map<Integer, DkgEnvelope.Sealed> collect(DkgRound round, Set<Integer> from,
      Consumer<String> progress) throws InterruptedException {
    Map<Integer, DkgEnvelope.Sealed> got = new TreeMap<>();
    Set<Integer> pending = new LinkedHashSet<>(from);
    long until = System.nanoTime() + settings.roundTimeout().toNanos();
    long sleep = 20;
    while (!pending.isEmpty()) {
      for (int j : new LinkedHashSet<>(pending)) {
        try {
          DkgMessage m = DkgServiceGrpc.newBlockingStub(channels.get(j))
              .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
              .fetch(DkgFetchRequest.newBuilder().setSessionId(settings.session().sessionId())
                  .setRound(round.code()).build());
          got.put(j, DkgServiceImpl.sealed(m));
          pending.remove(j);
        } catch (StatusRuntimeException e) {
          if (!retryable(e) && e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            progress.accept("keyholder " + j + " refused " + round + ": "
                + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            pending.remove(j);
          }
        }
      }
      if (pending.isEmpty() || System.nanoTime() > until) {
        break;
      }
      Thread.sleep(sleep);
      sleep = Math.min(sleep * 2, 500);
    }
    if (!pending.isEmpty()) {
      progress.accept("no " + round + " message within " + settings.roundTimeout().toSeconds()
          + " s from keyholders " + pending);
    }
    return got;
  }

  private static boolean retryable(StatusRuntimeException e) {
    Status.Code c = e.getStatus().getCode();
    return c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED;
  }

  private DkgEnvelope.Sealed seal(DkgRound round, int recipient, byte[] body)
      throws DkgException {
    try {
      return DkgEnvelope.seal(settings.session(), round, self, recipient, body,
          settings.signer());
    } catch (GeneralSecurityException e) {
      throw new DkgException("cannot sign the " + round + " message: " + e.getMessage(), e);
    }
  }

  private String describe(Map<Integer, String> excluded) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Integer, String> e : excluded.entrySet()) {
      b.append(b.length() == 0 ? "" : "; ").append("keyholder ").append(e.getKey())
          .append(" (").append(settings.session().participant(e.getKey())).append(") ")
          .append(e.getValue());
    }
    return b.toString();
  }

  /** Closes the channels and stops the server. */
  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
    server.close();
  }
}
