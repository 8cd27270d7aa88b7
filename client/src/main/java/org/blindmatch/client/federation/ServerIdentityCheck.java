package org.blindmatch.client.federation;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.blindmatch.core.transport.RevocationFile;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.PkiException;
import org.blindmatch.crypto.pki.Role;

/**
 * Refuses any response from a server whose certificate does not name the expected node (by
 * default: a clearinghouse of the client's federation). TLS already proves the certificate is
 * from the federation CA and names the host dialled; this adds the role and identity, so
 * another node with a certificate for that host cannot pose as the clearinghouse (or as a
 * keyholder).
 */
public final class ServerIdentityCheck implements ClientInterceptor {
  private final Function<NodeIdentity, String> verdict;
  private final String expected;
  private final RevocationFile revocations;

  /** Accepts only a clearinghouse of {@code federation}. */
  public ServerIdentityCheck(String federation) {
    this(id -> id.role() == Role.CLEARINGHOUSE && id.federation().equals(federation) ? null
        : "the server is " + id + ", not a clearinghouse of federation " + federation,
        "clearinghouse");
  }

  /**
   * @param verdict null for an acceptable server identity, else why it is refused
   * @param expected what the server should be, for the message when it has no identity
   */
  public ServerIdentityCheck(Function<NodeIdentity, String> verdict, String expected) {
    this(verdict, expected, null);
  }

  private ServerIdentityCheck(Function<NodeIdentity, String> verdict, String expected,
      RevocationFile revocations) {
    this.verdict = verdict;
    this.expected = expected;
    this.revocations = revocations;
  }

  /**
   * This check, also refusing a server whose certificate is on {@code list} (the reason names
   * the serial, date and revocation reason).
   */
  public ServerIdentityCheck rejectingRevoked(RevocationFile list) {
    return new ServerIdentityCheck(verdict, expected, java.util.Objects.requireNonNull(list));
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        ClientCall<Q, R> call = this;
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          private boolean checked;
          private String problem;

          private void checkOnce() {
            if (!checked) {
              checked = true;
              problem = check(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
              if (problem != null) {
                call.cancel(problem, null);
              }
            }
          }

          @Override
          public void onHeaders(Metadata h) {
            checkOnce();
            if (problem == null) {
              super.onHeaders(h);
            }
          }

          @Override
          public void onMessage(R message) {
            checkOnce();
            if (problem == null) {
              super.onMessage(message);
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (fromServer(status)) {
              checkOnce(); // a trailers-only response never passed onHeaders
            }
            if (problem != null) {
              super.onClose(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
            } else {
              super.onClose(status, trailers);
            }
          }
        }, headers);
      }
    };
  }

  /**
   * Whether a closing status may have come from the server, so that its identity matters:
   * not when the connection failed (UNAVAILABLE) or this side ended the call (its deadline,
   * a cancel), where there may be no TLS session to check and "no TLS session" would hide the
   * real cause.
   */
  private static boolean fromServer(Status status) {
    return switch (status.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> false;
      default -> true;
    };
  }

  private String check(SSLSession session) {
    if (session == null) {
      return "no TLS session with the server";
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      X509Certificate leaf = (X509Certificate) chain[0];
      NodeIdentity id = NodeCertificates.identityOf(leaf);
      String problem = verdict.apply(id);
      if (problem == null && revocations != null) {
        problem = revocations.find(leaf).map(r -> "the server " + id
            + " presents a revoked certificate: " + r.describe()).orElse(null);
      }
      return problem;
    } catch (SSLPeerUnverifiedException | PkiException | ClassCastException e) {
      return "the server's certificate carries no " + expected + " identity: "
          + e.getMessage();
    }
  }
}
