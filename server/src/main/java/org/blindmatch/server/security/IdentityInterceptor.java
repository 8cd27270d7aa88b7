package org.blindmatch.server.security;

import org.blindmatch.core.transport.LoopbackOnly;
import org.blindmatch.core.transport.MutualTls;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Revocations;
import org.blindmatch.core.transport.RevocationFile;
import java.util.Optional;

/**
 * Establishes who is calling and puts it in the {@link CallerIdentity} context.
 *
 * <p>In the normal mode ({@link #IdentityInterceptor(String)}) the identity is the
 * {@code blindmatch://} URI SAN of the peer's leaf certificate in the call's TLS session
 * ({@link Grpc#TRANSPORT_ATTR_SSL_SESSION}). The TLS layer ({@link MutualTls#serverContext})
 * has already verified that certificate against the federation CA; this interceptor
 * additionally requires exactly one valid identity URI of this server's federation. Calls
 * without TLS, without a verified peer certificate or with an unusable identity are closed
 * with {@link Status#UNAUTHENTICATED} before reaching any service.
 *
 * <p>Immutable and thread-safe.
 */
public final class IdentityInterceptor implements ServerInterceptor {
  /**
   * The header that carries the claimed identity in development mode, e.g.
   * {@code x-blindmatch-dev-identity: blindmatch://demo/platform/p1}.
   */
  public static final Metadata.Key<String> DEV_IDENTITY_HEADER =
      Metadata.Key.of("x-blindmatch-dev-identity", Metadata.ASCII_STRING_MARSHALLER);

  private static final System.Logger LOG = System.getLogger(IdentityInterceptor.class.getName());

  /** The start of the status description of a call refused for a revoked certificate. */
  public static final String REVOKED = "certificate revoked: ";

  private final String federation;
  private final boolean insecureDevelopmentHeader;
  private final RevocationFile revocations;

  /**
   * The mutual-TLS interceptor without a revocation list.
   *
   * @param federation the server's federation; callers of any other federation are rejected
   */
  public IdentityInterceptor(String federation) {
    this(federation, false, null);
  }

  /**
   * The mutual-TLS interceptor that also refuses callers whose certificate is on the
   * federation's revocation list: such calls are closed with {@link Status#UNAUTHENTICATED}
   * and a description starting {@link #REVOKED} that names the identity, serial, date and
   * reason.
   *
   * @param revocations the list to check every call against
   */
  public IdentityInterceptor(String federation, RevocationFile revocations) {
    this(federation, false, Objects.requireNonNull(revocations, "revocations"));
  }

  private IdentityInterceptor(String federation, boolean insecureDevelopmentHeader,
      RevocationFile revocations) {
    this.federation = Objects.requireNonNull(federation, "federation");
    this.insecureDevelopmentHeader = insecureDevelopmentHeader;
    this.revocations = revocations;
  }

  /**
   * <strong>INSECURE: no authentication at all.</strong> For plaintext development servers
   * on loopback only ({@code --insecure-loopback}).
   *
   * <p>The caller's identity is whatever it claims in the {@link #DEV_IDENTITY_HEADER} header;
   * anyone who can open a connection to the port can claim any role. The only restriction is
   * that the connection's remote address ({@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}) must be a
   * loopback address, which limits callers to processes on the same host, including those of
   * other local users. Never use it for real data; bind such servers with
   * {@link LoopbackOnly#requireLoopback}.
   *
   * @param federation the federation claimed identities must belong to
   */
  public static IdentityInterceptor insecureLoopbackForDevelopment(String federation) {
    LOG.log(System.Logger.Level.WARNING, "INSECURE development mode: caller identities are "
        + "taken from the " + DEV_IDENTITY_HEADER.name() + " header without authentication");
    return new IdentityInterceptor(federation, true, null);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    NodeIdentity caller;
    try {
      caller = insecureDevelopmentHeader ? fromDevelopmentHeader(call, headers) : fromTls(call);
    } catch (Rejected e) {
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(CallerIdentity.KEY, caller);
    if (!insecureDevelopmentHeader) {
      context = context.withValue(CallerIdentity.CERTIFICATE, leafOf(call));
    }
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The peer's leaf certificate, which {@link #fromTls} has already accepted. */
  private static X509Certificate leafOf(ServerCall<?, ?> call) {
    try {
      return (X509Certificate) call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)
          .getPeerCertificates()[0];
    } catch (SSLPeerUnverifiedException e) {
      throw new IllegalStateException("peer certificate vanished after it was verified", e);
    }
  }

  private NodeIdentity fromTls(ServerCall<?, ?> call) throws Rejected {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      throw new Rejected("mutual TLS is required");
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new Rejected("no verified client certificate");
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new Rejected("no X.509 client certificate");
    }
    NodeIdentity id;
    try {
      id = NodeCertificates.identityOf(leaf);
    } catch (PkiException e) {
      throw new Rejected("client " + e.getMessage());
    }
    requireFederation(id);
    if (revocations != null) {
      Optional<Revocations.Revoked> revoked = revocations.find(leaf);
      if (revoked.isPresent()) {
        throw new Rejected(REVOKED + id + ": " + revoked.get().describe());
      }
    }
    return id;
  }

  private NodeIdentity fromDevelopmentHeader(ServerCall<?, ?> call, Metadata headers)
      throws Rejected {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null
        || !inet.getAddress().isLoopbackAddress()) {
      throw new Rejected("development identities are accepted only from loopback addresses");
    }
    List<String> values = new ArrayList<>();
    Iterable<String> all = headers.getAll(DEV_IDENTITY_HEADER);
    if (all != null) {
      all.forEach(values::add);
    }
    if (values.size() != 1) {
      throw new Rejected("development mode needs exactly one " + DEV_IDENTITY_HEADER.name()
          + " header, got " + values.size());
    }
    NodeIdentity id;
    try {
      id = NodeIdentity.fromUri(values.get(0));
    } catch (IllegalArgumentException e) {
      throw new Rejected(DEV_IDENTITY_HEADER.name() + ": " + e.getMessage());
    }
    return requireFederation(id);
  }

  private NodeIdentity requireFederation(NodeIdentity id) throws Rejected {
    if (!id.federation().equals(federation)) {
      throw new Rejected(id + " is not in federation " + federation);
    }
    return id;
  }

  /** Why a call is unauthenticated; the message goes to the caller. */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message, null, false, false);
    }
  }
}
