package org.blindmatch.server.security;

import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/**
 * Installs {@link IdentityInterceptor} and {@link AuthorizationInterceptor} so that identity
 * runs first. gRPC runs interceptors in the reverse order they are added, both for
 * {@link ServerBuilder#intercept} and for {@link ServerInterceptors#intercept}; getting this
 * wrong makes every call fail with UNAUTHENTICATED ("no authenticated caller").
 */
public final class SecurityInterceptors {
  private SecurityInterceptors() {}

  /**
   * Installs both interceptors for every service on the server (preferred: services added
   * later are covered and denied by default).
   *
   * @return {@code builder}
   */
  public static <T extends ServerBuilder<T>> T installOn(
      T builder, IdentityInterceptor identity, AuthorizationInterceptor authorization) {
    // Added last, runs first.
    return builder.intercept(authorization).intercept(identity);
  }

  /** Wraps one service with both interceptors. */
  public static ServerServiceDefinition intercept(ServerServiceDefinition service,
      IdentityInterceptor identity, AuthorizationInterceptor authorization) {
    // The last interceptor listed runs first.
    return ServerInterceptors.intercept(service, authorization, identity);
  }
}
