package org.blindmatch.server.security;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.blindmatch.crypto.pki.Role;

/**
 * Which roles may call which RPCs: a map from full gRPC method name
 * ({@code package.Service/Method}, e.g. {@code grpc.health.v1.Health/Check}) to the set of
 * allowed roles. Anything not listed is denied, including every method of a service added
 * later without updating the policy.
 *
 * <p>Immutable and thread-safe; build it with {@link #builder()}.
 */
public final class AuthorizationPolicy {
  private final Map<String, Set<Role>> allowed;

  private AuthorizationPolicy(Map<String, Set<Role>> allowed) {
    this.allowed = Map.copyOf(allowed);
  }

  /** A new, empty builder (an empty policy denies everything). */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code role} may call {@code fullMethodName}; false for unknown methods. */
  public boolean allows(String fullMethodName, Role role) {
    return allowedRoles(fullMethodName).contains(role);
  }

  /** The roles allowed to call {@code fullMethodName}; empty (unmodifiable) if none. */
  public Set<Role> allowedRoles(String fullMethodName) {
    return allowed.getOrDefault(fullMethodName, Set.of());
  }

  /** The methods with at least one allowed role (unmodifiable). */
  public Set<String> methods() {
    return allowed.keySet();
  }

  @Override
  public String toString() {
    return "AuthorizationPolicy" + allowed;
  }

  /** Collects grants; not thread-safe. */
  public static final class Builder {
    private final Map<String, EnumSet<Role>> grants = new HashMap<>();

    private Builder() {}

    /**
     * Allows {@code roles} to call {@code fullMethodName}, in addition to roles already
     * allowed for it.
     *
     * @param fullMethodName {@code package.Service/Method}, as
     *     {@link io.grpc.MethodDescriptor#getFullMethodName()} returns it
     * @param roles at least one
     * @throws IllegalArgumentException if the method name is not of that form or no role is
     *     given
     */
    public Builder allow(String fullMethodName, Role... roles) {
      Objects.requireNonNull(fullMethodName, "fullMethodName");
      int slash = fullMethodName.indexOf('/');
      if (slash <= 0 || slash == fullMethodName.length() - 1
          || fullMethodName.indexOf('/', slash + 1) >= 0) {
        throw new IllegalArgumentException("\"" + fullMethodName
            + "\" is not a full method name (package.Service/Method)");
      }
      if (roles.length == 0) {
        throw new IllegalArgumentException("allow(" + fullMethodName + "): no roles given");
      }
      EnumSet<Role> set = grants.computeIfAbsent(fullMethodName, k -> EnumSet.noneOf(Role.class));
      for (Role r : roles) {
        set.add(Objects.requireNonNull(r, "role"));
      }
      return this;
    }

    /** The immutable policy; the builder may be reused. */
    public AuthorizationPolicy build() {
      Map<String, Set<Role>> copy = new HashMap<>();
      grants.forEach((method, roles) -> copy.put(method, Set.copyOf(roles)));
      return new AuthorizationPolicy(copy);
    }
  }
}
