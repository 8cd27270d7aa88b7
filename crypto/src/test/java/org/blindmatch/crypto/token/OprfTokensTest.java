package org.blindmatch.crypto.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.oprf.BlindEvaluation;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.CombinedEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.junit.jupiter.api.Test;

/**
 * Oprf-mode tokens: a platform and an NGO that each obtain {@code s} for the same masked
 * address through 2-of-3 keyholders (blind, never seeing the key) derive identical tokens,
 * equal to what the full key would give; tokens differ across tiers, buckets and scopes.
 */
class OprfTokensTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final Suite SUITE = Suite.VOPRF_P256_SHA256;

  @Test
  void thresholdEvaluationGivesTheFullKeyTokensToEveryParty() throws Exception {
    KeyPair key = KeyPair.generate(RANDOM);
    List<KeyShare> shares = ShamirSharing.split(key.secretKey(), 2, 3, RANDOM);
    ThresholdPublicKey published = ThresholdPublicKey.of(2, shares);
    byte[] digest = new byte[32];
    Arrays.fill(digest, (byte) 7);
    IpAddress a = IpAddress.ofIpv4(0x2d4d0c09).mask(32);
    byte[] input = OprfTokenEncoding.address(digest, 32, a);
    assertEquals(OprfTokenEncoding.ADDRESS_LENGTH, input.length);

    byte[] fullKey = new OprfServer(SUITE, key).evaluate(input);
    byte[] platformS = thresholdEvaluate(input, shares, published, 0, 1);
    byte[] ngoS = thresholdEvaluate(input, shares, published, 1, 2);
    assertArrayEquals(fullKey, platformS);
    assertArrayEquals(fullKey, ngoS);

    OprfTokenDeriver platform = new OprfTokenDeriver(platformS);
    OprfTokenDeriver ngo = new OprfTokenDeriver(ngoS);
    assertArrayEquals(platform.token(0, 3600, 492_322), ngo.token(0, 3600, 492_322));
    assertFalse(Arrays.equals(platform.token(0, 3600, 492_322), platform.token(0, 3600, 492_323)));
    assertFalse(Arrays.equals(platform.token(0, 3600, 0), platform.token(1, 3600, 0)));
    assertFalse(Arrays.equals(platform.token(0, 3600, 0), platform.token(0, 0, 0)));

    byte[] otherScope = digest.clone();
    otherScope[0] ^= 1;
    assertFalse(Arrays.equals(fullKey, new OprfServer(SUITE, key)
        .evaluate(OprfTokenEncoding.address(otherScope, 32, a))));
  }

  @Test
  void rejectsUnmaskedAddressesAndShortOutputs() {
    IpAddress a = IpAddress.ofIpv4(0x2d4d0c09);
    assertThrows(IllegalArgumentException.class,
        () -> OprfTokenEncoding.address(new byte[32], 24, a));
    assertThrows(IllegalArgumentException.class, () -> new OprfTokenDeriver(new byte[16]));
  }

  /** One party's blind evaluation through the keyholders with the given share positions. */
  private static byte[] thresholdEvaluate(byte[] input, List<KeyShare> shares,
      ThresholdPublicKey published, int... use) throws Exception {
    OprfClient client = new OprfClient(SUITE);
    Blinded blinded = client.blind(input, RANDOM);
    List<Element> elements = List.of(blinded.blindedElement());
    List<ShareEvaluation> evaluations = new ArrayList<>();
    for (int i : use) {
      KeyShare share = shares.get(i);
      BlindEvaluation e = new OprfServer(SUITE, share.keyPair())
          .blindEvaluateBatch(elements, RANDOM);
      evaluations.add(new ShareEvaluation(share.index(), e));
    }
    CombinedEvaluation combined = ThresholdCombiner.combine(evaluations, elements, published);
    return client.finalizeCombined(List.of(input), List.of(blinded), combined).get(0);
  }
}
