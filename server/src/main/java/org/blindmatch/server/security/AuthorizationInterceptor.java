package org.blindmatch.server.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import org.blindmatch.crypto.pki.NodeIdentity;

/**
 * Lets a call through only if the {@link AuthorizationPolicy} allows the caller's role to call
 * the method; otherwise closes it with {@link Status#PERMISSION_DENIED}, e.g. "role platform
 * may not call blindmatch.v1.MatchService/StartRun".
 *
 * <p>It reads the caller from {@link CallerIdentity}, so it must run after
 * {@link IdentityInterceptor}; use {@link SecurityInterceptors} to install both in the right
 * order. If no identity is present (wrong order, or identity interceptor missing) the call is
 * closed with {@link Status#UNAUTHENTICATED}: it fails closed. Immutable and thread-safe.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
  private final AuthorizationPolicy policy;

  public AuthorizationInterceptor(AuthorizationPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    NodeIdentity caller = CallerIdentity.KEY.get();
    String method = call.getMethodDescriptor().getFullMethodName();
    Status denied = null;
    if (caller == null) {
      denied = Status.UNAUTHENTICATED.withDescription("no authenticated caller");
    } else if (!policy.allows(method, caller.role())) {
      denied = Status.PERMISSION_DENIED.withDescription(
          "role " + caller.role().id() + " may not call " + method);
    }
    if (denied != null) {
      call.close(denied, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
