package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.EXPIRY;
import static org.blindmatch.server.store.Fixtures.PLATFORM;
import static org.blindmatch.server.store.Fixtures.RECEIPT;
import static org.blindmatch.server.store.Fixtures.ROOT;
import static org.blindmatch.server.store.Fixtures.SCOPE;
import static org.blindmatch.server.store.Fixtures.SIGNATURE;
import static org.blindmatch.server.store.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void uploadSpecCopiesArraysAndComparesContents() {
    byte[] scope = SCOPE.clone();
    int[] tiers = {0, 1};
    UploadSpec spec = new UploadSpec("r", PLATFORM, 1, scope, 5, tiers, 10);
    scope[0] ^= 1;
    tiers[0] = 9;
    spec.scopeDigest()[1] ^= 1;
    spec.tierNumbers()[1] = 9;
    assertArrayEquals(SCOPE, spec.scopeDigest());
    assertArrayEquals(new int[] {0, 1}, spec.tierNumbers());

    UploadSpec same = new UploadSpec("r", PLATFORM, 1, SCOPE.clone(), 5, new int[] {0, 1}, 10);
    assertEquals(same, spec);
    assertEquals(same.hashCode(), spec.hashCode());
    assertNotEquals(new UploadSpec("r", PLATFORM, 1, SCOPE, 5, new int[] {0, 2}, 10), spec);
    assertNotEquals(new UploadSpec("r", PLATFORM, 1, new byte[32], 5, tiers, 10), spec);
    assertThrows(NullPointerException.class,
        () -> new UploadSpec("r", PLATFORM, 1, null, 5, tiers, 10));
  }

  @Test
  void storedSubmissionCopiesArraysAndHidesSignatureBytes() {
    UploadSpec spec = Fixtures.report("r", 1);
    byte[] root = ROOT.clone();
    StoredSubmission s = new StoredSubmission(spec, 1, root, ROOT, SIGNATURE, RECEIPT, T0,
        EXPIRY, false);
    root[0] ^= 1;
    s.receipt()[0] ^= 1;
    assertArrayEquals(ROOT, s.merkleRoot());
    assertArrayEquals(RECEIPT, s.receipt());
    assertEquals(new StoredSubmission(spec, 1, ROOT.clone(), ROOT.clone(), SIGNATURE.clone(),
        RECEIPT.clone(), T0, EXPIRY, false), s);
    assertNotEquals(s.asPurged(), s);
    assertFalse(s.toString().contains(HexFormat.of().formatHex(SIGNATURE)));
  }
}
