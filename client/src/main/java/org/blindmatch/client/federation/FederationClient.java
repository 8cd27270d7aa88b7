package org.blindmatch.client.federation;

import org.blindmatch.core.limits.Limits;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.GetScopeRequest;
import org.blindmatch.proto.v1.MatchServiceGrpc;
import org.blindmatch.proto.v1.NodeServiceGrpc;
import org.blindmatch.proto.v1.PublishedScope;
import org.blindmatch.proto.v1.RegisterSigningKeyRequest;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.core.transport.MutualTls;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.core.transport.TlsMaterial;

/**
 * A node's authenticated connection to the clearinghouse: mutual TLS 1.3 with its
 * federation certificate, its node signing key, and typed stubs. Every call carries a
 * deadline; a failed call's status description is one line naming the cause and what to do
 * ({@link CallFailures}). Thread-safe; close it when done.
 */
public final class FederationClient implements AutoCloseable {
  /** Header carrying the asserted identity in plaintext loopback development mode. */
  public static final String DEV_IDENTITY_HEADER = "x-blindmatch-dev-identity";
  /** Deadline of a unary call to the clearinghouse, seconds. */
  public static final long DEADLINE_SECONDS = 120;

  private final ManagedChannel channel;
  private final NodeIdentity identity;
  private final NodeSigner signer;
  private final KeyPins pins;
  private final Consumer<String> notices;

  private FederationClient(ManagedChannel channel, NodeIdentity identity, NodeSigner signer,
      KeyPins pins, Consumer<String> notices) {
    this.channel = channel;
    this.identity = identity;
    this.signer = signer;
    this.pins = pins;
    this.notices = notices;
  }

  /**
   * A client over an existing channel, as {@code identity} (in-process transports). The
   * channel's security is the caller's business; {@link #connect} is the mTLS path. No log
   * key is pinned.
   */
  public static FederationClient overChannel(ManagedChannel channel, NodeIdentity identity,
      NodeSigner signer) {
    return new FederationClient(channel, identity, signer, null, m -> {});
  }

  /**
   * Connects as the node described by {@code profile}. The clearinghouse's log key is checked
   * against the profile's pins ({@link KeyPins}) whenever the client reads it
   * ({@link #publishedScope()}).
   *
   * @param notices receives what the user must be told, e.g. a key pinned on first use
   * @throws FederationException if the profile's key material or pins cannot be read or
   *     decrypted
   */
  public static FederationClient connect(NodeProfile profile, Consumer<String> notices)
      throws FederationException {
    KeyPins pins = profile.pins() == null ? null : KeyPins.load(profile.pins());
    char[] passphrase = profile.passphrase();
    try {
      NodeSigner signer = NodeSigner.of(EncryptedKeysetFile.read(profile.signingKeyset(),
          NodeSigner.PURPOSE, passphrase));
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress(profile.host(), profile.port())
          .maxInboundMessageSize(Limits.CLIENT_MAX_INBOUND_MESSAGE_BYTES);
      NodeIdentity identity;
      if (profile.insecureIdentity() != null) {
        if (!InetAddress.getByName(profile.host()).isLoopbackAddress()) {
          throw new FederationException("insecure_loopback_identity is only allowed with a "
              + "loopback server address, not " + profile.host());
        }
        identity = NodeIdentity.fromUri(profile.insecureIdentity());
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(DEV_IDENTITY_HEADER, Metadata.ASCII_STRING_MARSHALLER),
            identity.uri().toString());
        builder.usePlaintext().intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
      } else {
        TlsMaterial tls = TlsMaterial.load(profile.caCertificate(), profile.certificate(),
            profile.privateKey(), passphrase);
        identity = tls.identity();
        ServerIdentityCheck check = new ServerIdentityCheck(identity.federation());
        if (profile.revocations() != null) {
          check = check.rejectingRevoked(RevocationFile.load(profile.revocations(),
              tls.caCertificate(), message -> { }));
        }
        builder.sslContext(MutualTls.clientContext(tls)).intercept(check);
      }
      // Last, so that it sees the statuses ServerIdentityCheck sets.
      builder.intercept(CallFailures.interceptor("the clearinghouse"));
      return new FederationClient(builder.build(), identity, signer, pins, notices);
    } catch (KeysetException | PkiException e) {
      throw new FederationException(e.getMessage(), e);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new FederationException("cannot set up the connection: " + e.getMessage(), e);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  public NodeIdentity identity() {
    return identity;
  }

  /**
   * Expects the clearinghouse log key the user gave ({@link KeyPins#expect}): every later
   * {@link #publishedScope()} refuses another key.
   *
   * @throws FederationException if a different key is pinned, or this client keeps no pins
   */
  public void expectLogKey(byte[] fingerprint) throws FederationException {
    if (pins == null) {
      throw new FederationException("this connection keeps no pinned keys");
    }
    pins.expect(identity.federation(), fingerprint);
  }

  /** This node's signing key (commitments). */
  public NodeSigner signer() {
    return signer;
  }

  /** The submission service, asynchronous (uploads stream chunks). */
  public SubmissionServiceGrpc.SubmissionServiceStub submissionsAsync() {
    return SubmissionServiceGrpc.newStub(channel);
  }

  /** The submission service, blocking, with the default deadline. */
  public SubmissionServiceGrpc.SubmissionServiceBlockingStub submissions() {
    return SubmissionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** The match service, blocking, with a run's deadline (30 min). */
  public MatchServiceGrpc.MatchServiceBlockingStub matches() {
    return MatchServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.MINUTES);
  }

  /** The result service, blocking, with the default deadline. */
  public ResultServiceGrpc.ResultServiceBlockingStub results() {
    return ResultServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** Administration and oversight (operator; auditors may list runs). */
  public org.blindmatch.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return org.blindmatch.proto.v1.AdminServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * The transparency log (auditors and the operator: everything; platforms and NGOs: signed
   * tree heads and inclusion proofs).
   */
  public AuditServiceGrpc.AuditServiceBlockingStub audit() {
    return AuditServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** Audit replay streams (auditors): as long a deadline as a match run. */
  public AuditServiceGrpc.AuditServiceBlockingStub replay() {
    return AuditServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.MINUTES);
  }

  /** Starts a match run (operator only). */
  public org.blindmatch.proto.v1.SignedTranscript startRun(
      org.blindmatch.proto.v1.StartRunRequest request) {
    return matches().startRun(request);
  }

  /**
   * The published scope, key ids, k and the clearinghouse's public signing keyset, whose
   * fingerprint has been checked against the profile's pin for this federation (pinned now if
   * there was none, with a notice).
   *
   * @throws FederationException if the served log key differs from the pinned one
   */
  public PublishedScope publishedScope() throws FederationException {
    PublishedScope published = ScopeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .getScope(GetScopeRequest.getDefaultInstance());
    if (pins != null) {
      pins.check(identity.federation(),
          NodeSigner.fingerprint(published.getClearinghousePublicKeyset()), notices);
    }
    return published;
  }

  /** Registers this node's public signing keyset; a repeat of the same key is a no-op. */
  public void registerSigningKey() {
    NodeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .registerSigningKey(RegisterSigningKeyRequest.newBuilder()
            .setPublicKeyset(signer.publicKeysetJson()).build());
  }

  /**
   * One line for a failed call, naming the cause and what to do (see {@link CallFailures}):
   * calls of a client from {@link #connect} name the clearinghouse and its address.
   */
  public static String describe(StatusRuntimeException e) {
    return CallFailures.describe(e);
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
