package org.blindmatch.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import java.util.Set;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyTest {
  private static final String START_RUN = "blindmatch.v1.MatchService/StartRun";

  @Test
  void deniesByDefault() {
    AuthorizationPolicy empty = AuthorizationPolicy.builder().build();
    for (Role r : Role.values()) {
      assertFalse(empty.allows(START_RUN, r));
    }
    assertEquals(Set.of(), empty.allowedRoles(START_RUN));
  }

  @Test
  void allowsOnlyListedRolesAndMergesGrants() {
    AuthorizationPolicy.Builder b = AuthorizationPolicy.builder()
        .allow(START_RUN, Role.CLEARINGHOUSE)
        .allow(START_RUN, Role.AUDITOR, Role.CLEARINGHOUSE);
    AuthorizationPolicy p = b.build();
    assertEquals(Set.of(Role.CLEARINGHOUSE, Role.AUDITOR), p.allowedRoles(START_RUN));
    assertFalse(p.allows(START_RUN, Role.PLATFORM));
    assertFalse(p.allows("blindmatch.v1.MatchService/startrun", Role.AUDITOR));
    assertFalse(p.allows("blindmatch.v1.MatchService/StartRunX", Role.AUDITOR));
    assertEquals(Set.of(START_RUN), p.methods());

    b.allow(START_RUN, Role.PLATFORM);
    assertFalse(p.allows(START_RUN, Role.PLATFORM), "built policies are immutable");
    assertThrows(UnsupportedOperationException.class,
        () -> p.allowedRoles(START_RUN).add(Role.NGO));
  }

  @Test
  void rejectsMalformedGrants() {
    AuthorizationPolicy.Builder b = AuthorizationPolicy.builder();
    for (String m : new String[] {"", "/", "Service", "/Method", "Service/", "a/b/c"}) {
      assertThrows(IllegalArgumentException.class, () -> b.allow(m, Role.NGO), m);
    }
    assertThrows(IllegalArgumentException.class, () -> b.allow(START_RUN));
    assertThrows(NullPointerException.class, () -> b.allow(START_RUN, (Role) null));
  }

  @Test
  void callerIdentityIsReadFromTheContext() throws Exception {
    assertThrows(IllegalStateException.class, CallerIdentity::current);
    NodeIdentity id = new NodeIdentity("demo", Role.NGO, "n1");
    NodeIdentity seen = Context.current().withValue(CallerIdentity.KEY, id)
        .call(CallerIdentity::current);
    assertEquals(id, seen);
    assertTrue(CallerIdentity.KEY.get() == null);
  }
}
