package org.blindmatch.client.federation;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.blindmatch.core.transport.ErrorDetails;

/**
 * Turns a failed call into one line that names the cause and what to do: the single place
 * where the client library reads a {@link Status} (its code, its {@code google.rpc} details and
 * the transport exception under it) for a person.
 *
 * <p>Failures of the world (connection refused, unknown host, no route, deadline, a TLS
 * handshake refused on either side, the server unavailable, a quota) each get their own
 * sentence; the TLS causes come from the federation's trust manager on this side
 * ({@code core.transport.MutualTls}: "certificate names A, B, not X: reissue with --dns X",
 * "issued by …, not by this federation's CA", "expired on …") or from the alert the server
 * sent ({@code unknown_ca}, {@code certificate_expired}, {@code unsupported_certificate},
 * {@code certificate_revoked}, {@code bad_certificate}). A refusal by the server is its status
 * code and description, with the structured numbers of a {@code QuotaFailure}/{@code ErrorInfo}
 * (PROTOCOL.md §10) when it sent them.
 *
 * <p>{@link #interceptor} puts this line into the status description of every failed call on
 * a channel, so code that catches {@link StatusRuntimeException} anywhere above shows it
 * unchanged. Stateless and thread-safe.
 */
public final class CallFailures {
  /** Set (locally, never sent) in the trailers of a status this class has explained. */
  private static final Metadata.Key<String> EXPLAINED =
      Metadata.Key.of("x-blindmatch-explained", Metadata.ASCII_STRING_MARSHALLER);

  /** Alert descriptions the server may send about this node's certificate, and the remedy. */
  private static final List<Map.Entry<String, String>> ALERTS = List.of(
      Map.entry("unknown_ca", "it is not issued by the federation CA the server trusts: use a "
          + "certificate issued by that federation's `blindmatch pki issue`"),
      Map.entry("certificate_expired", "it has expired, or is not valid yet: reissue it with "
          + "`blindmatch pki issue`, or check both machines' clocks"),
      Map.entry("certificate_revoked", "it has been revoked: ask the federation operator for a "
          + "new one (`blindmatch pki issue`)"),
      Map.entry("unsupported_certificate", "it lacks the clientAuth extended key usage: "
          + "reissue it with `blindmatch pki issue`"),
      Map.entry("certificate_required", "the server requires a client certificate: give the "
          + "profile a tls section"),
      Map.entry("bad_certificate", "the server cannot use it: reissue it with "
          + "`blindmatch pki issue`"),
      Map.entry("certificate_unknown", "the server refused it: its log says why"),
      Map.entry("internal_error", "the server failed the TLS handshake: its log says why"));

  private CallFailures() {}

  /**
   * An interceptor that replaces the description of every failed call with {@link #explain}'s
   * line, keeping the code, cause and trailers. Add it to a channel after any interceptor that
   * itself fails calls (it then sees their statuses).
   *
   * @param server what the channel reaches, e.g. "the clearinghouse"; the line adds " at
   *     host:port"
   */
  public static ClientInterceptor interceptor(String server) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
          CallOptions options, Channel next) {
        String peer = server + " at " + next.authority();
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (status.isOk() || trailers.containsKey(EXPLAINED)) {
                  super.onClose(status, trailers);
                  return;
                }
                Status explained = Status.fromCode(status.getCode())
                    .withDescription(explain(peer, status, trailers))
                    .withCause(status.getCause());
                trailers.put(EXPLAINED, "1");
                super.onClose(explained, trailers);
              }
            }, headers);
          }
        };
      }
    };
  }

  /**
   * The one line for a failed call: {@code e}'s description if {@link #interceptor} already
   * explained it, else {@link #explain} without the server's address.
   */
  public static String describe(StatusRuntimeException e) {
    Metadata trailers = e.getTrailers();
    if (trailers != null && trailers.containsKey(EXPLAINED)) {
      return e.getStatus().getDescription();
    }
    return explain("the server", e.getStatus(), trailers == null ? new Metadata() : trailers);
  }

  /**
   * Whether a failed call is a fault of this program or the server's (a bug: exit 70) rather
   * than of the world or the request (exit 1): {@code INTERNAL}, {@code UNKNOWN} without a
   * transport cause, {@code UNIMPLEMENTED}.
   */
  public static boolean isBug(StatusRuntimeException e) {
    Status s = e.getStatus();
    return switch (s.getCode()) {
      case INTERNAL, UNIMPLEMENTED -> true;
      case UNKNOWN -> transport("the server", s.getCause()) == null;
      default -> false;
    };
  }

  /**
   * One line naming the cause of {@code status} and what to do.
   *
   * @param server what was called, e.g. "the clearinghouse at 10.0.0.5:7443"
   * @param trailers the call's trailers (for {@code google.rpc} details); may be empty
   */
  public static String explain(String server, Status status, Metadata trailers) {
    String description = status.getDescription();
    String told = description == null ? status.getCode().toString()
        : status.getCode() + ": " + description;
    switch (status.getCode()) {
      case UNAVAILABLE, UNKNOWN, CANCELLED -> {
        String world = transport(server, status.getCause());
        if (world != null) {
          return world;
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
          return server + " is unavailable (" + told + "): check that it is running "
              + "(`blindmatch health`) and retry";
        }
        return server + " failed the call (" + told + ")";
      }
      case DEADLINE_EXCEEDED -> {
        return server + " did not answer before the deadline (" + told + "): check that it "
            + "is running and not overloaded (`blindmatch health`), then retry";
      }
      case RESOURCE_EXHAUSTED -> {
        String quota = quota(status, trailers);
        if (quota != null) {
          return server + " refused: " + quota;
        }
        return server + " refused: " + told + ": the request is over one of its limits "
            + "(OPERATIONS.md lists them); retry later or in smaller parts";
      }
      case PERMISSION_DENIED -> {
        return server + " refused: " + told + ": this node's role may not do this; use the "
            + "profile of a node with that role";
      }
      case UNAUTHENTICATED -> {
        return server + " could not be trusted or could not identify this node (" + told
            + ")";
      }
      default -> {
        return server + " refused: " + told;
      }
    }
  }

  /** The sentence for a transport failure under a status, or null if there is none. */
  private static String transport(String server, Throwable cause) {
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    SSLException tls = null;
    for (Throwable t = cause; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof CertificateException c) {
        // Thrown by this side's trust manager: its message already says what to do.
        return "TLS with " + server + " failed: " + c.getMessage();
      }
      if (t instanceof UnknownHostException u) {
        return "cannot reach " + server + ": unknown host (" + u.getMessage()
            + "): check the server address";
      }
      if (t instanceof NoRouteToHostException) {
        return "cannot reach " + server + ": no route to host: check the address and the "
            + "network";
      }
      if (t instanceof ConnectException c) {
        String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("refused")) {
          return "cannot connect to " + server + ": connection refused: is the server "
              + "running, and is the port right? (`blindmatch health`)";
        }
        if (m.contains("timed out")) {
          return "cannot connect to " + server + ": connection timed out: check the address "
              + "and any firewall between";
        }
        return "cannot connect to " + server + ": " + c.getMessage();
      }
      if (t instanceof SSLException s && tls == null) {
        tls = s;
      }
    }
    if (tls == null) {
      return null;
    }
    String m = String.valueOf(tls.getMessage()).toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> alert : ALERTS) {
      if (m.contains(alert.getKey())) {
        return server + " refused this node's certificate (TLS alert " + alert.getKey()
            + "): " + alert.getValue();
      }
    }
    return "TLS with " + server + " failed: " + tls.getMessage();
  }

  /** "quota of epoch E exceeded: R of Q remain, N asked: …" from the details, or null. */
  private static String quota(Status status, Metadata trailers) {
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
    if (details == null) {
      return null;
    }
    ErrorInfo info = null;
    QuotaFailure failure = null;
    try {
      for (Any any : details.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          info = any.unpack(ErrorInfo.class);
        } else if (any.is(QuotaFailure.class)) {
          failure = any.unpack(QuotaFailure.class);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
    if (info == null || !ErrorDetails.DOMAIN.equals(info.getDomain())) {
      return null;
    }
    Map<String, String> m = info.getMetadataMap();
    if (ErrorDetails.REASON_UPLOAD_QUOTA_EXCEEDED.equals(info.getReason())) {
      // The server's description says what was asked and what to do; the numbers name the
      // limit for the operator.
      return "upload quota " + m.getOrDefault("limit", "?") + " = " + m.getOrDefault("quota", "?")
          + " exceeded (" + m.getOrDefault("used", "?") + " in use, "
          + m.getOrDefault("requested", "?") + " asked): " + status.getDescription()
          + "; or ask the clearinghouse's operator to raise " + m.getOrDefault("limit", "?");
    }
    if (!ErrorDetails.REASON_QUOTA_EXCEEDED.equals(info.getReason())) {
      return null;
    }
    String subject = failure == null || failure.getViolationsCount() == 0 ? ""
        : " (" + failure.getViolations(0).getSubject() + ")";
    return "evaluation quota of epoch " + m.getOrDefault("epoch", "?") + " exceeded" + subject
        + ": " + m.getOrDefault("remaining", "?") + " of " + m.getOrDefault("quota", "?")
        + " remain, " + m.getOrDefault("requested", "?") + " asked: ask the keyholder's "
        + "operator to raise quota_per_identity, or use a new key epoch";
  }
}
