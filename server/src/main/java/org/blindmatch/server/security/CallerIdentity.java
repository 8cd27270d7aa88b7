package org.blindmatch.server.security;

import io.grpc.Context;
import org.blindmatch.crypto.pki.NodeIdentity;

/**
 * The authenticated identity of the node making the current RPC, as established by
 * {@link IdentityInterceptor} and stored in the gRPC {@link Context}.
 */
public final class CallerIdentity {
  /**
   * The context key. In production only {@link IdentityInterceptor} sets it; tests of service
   * implementations may attach an identity with {@code Context.current().withValue(KEY, id)}.
   */
  public static final Context.Key<NodeIdentity> KEY = Context.key("blindmatch-caller-identity");

  /**
   * The caller's verified TLS leaf certificate; absent on a development server without TLS.
   * Set by {@link IdentityInterceptor} with {@link #KEY}.
   */
  public static final Context.Key<java.security.cert.X509Certificate> CERTIFICATE =
      Context.key("blindmatch-caller-certificate");

  private CallerIdentity() {}

  /**
   * The caller of the RPC being handled on this thread.
   *
   * @throws IllegalStateException if there is none: called outside an RPC, or on a server
   *     without {@link IdentityInterceptor}
   */
  public static NodeIdentity current() {
    NodeIdentity id = KEY.get();
    if (id == null) {
      throw new IllegalStateException("no authenticated caller identity in the current "
          + "context (is IdentityInterceptor installed?)");
    }
    return id;
  }
}
