package org.blindmatch.client.oprf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.oprf.KeyPair;
import org.blindmatch.crypto.oprf.KeyShare;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.ShamirSharing;
import org.blindmatch.crypto.oprf.ThresholdPublicKey;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.proto.v1.EvaluateResponse;
import org.blindmatch.proto.v1.ShareKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A keyholder's {@code ShareKey} (uint32 epoch, keyholder, threshold) and {@code
 * EvaluateResponse} (epoch, keyholder; remaining_quota is not read) at the uint32 edges 0,
 * 2^31-1, 2^31, 2^32-1 (PROTOCOL §7 "Unsigned fields"): the pool accepts exactly the epoch
 * and share of the public file and names any other value unsigned; the served threshold is
 * not read (the public file's is used).
 */
class KeyholderPoolUnsignedTest {
  private static final NodeIdentity HOLDER = NodeIdentity.fromUri("blindmatch://test/keyholder/k1");

  static List<Integer> uint32Edges() {
    return List.of(0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1);
  }

  private static OprfKeyFiles.EpochPublicKey key(int epoch, List<KeyShare> shares,
      BigInteger secret) {
    return new OprfKeyFiles.EpochPublicKey(epoch, ThresholdPublicKey.of(1, shares),
        KeyPair.of(secret).publicKey(), Map.of(1, HOLDER,
            2, NodeIdentity.fromUri("blindmatch://test/keyholder/k2")));
  }

  @ParameterizedTest
  @MethodSource("uint32Edges")
  void epochAndShareAreComparedAndNamedUnsigned(int edge) {
    BigInteger secret = new BigInteger(200, new SecureRandom()).add(BigInteger.ONE);
    List<KeyShare> shares = ShamirSharing.split(secret, 1, 2, new SecureRandom());
    OprfKeyFiles.EpochPublicKey key = key(edge, shares, secret);
    ShareKey good = ShareKey.newBuilder().setEpoch(edge).setKeyholder(1).setThreshold(edge)
        .setSharePublicKey(ByteString.copyFrom(key.shares().shareKeys().get(1).encode()))
        .build();
    assertNull(KeyholderPool.checkShareKey(good, HOLDER, 1, key), "epoch " + edge);

    for (int other : uint32Edges()) {
      if (other == edge) {
        continue;
      }
      assertEquals(HOLDER + " serves epoch " + Integer.toUnsignedString(other) + ", not "
              + Integer.toUnsignedString(edge),
          KeyholderPool.checkShareKey(good.toBuilder().setEpoch(other).build(), HOLDER, 1, key));
    }
    if (edge != 1) {
      assertEquals(HOLDER + " says it holds share " + Integer.toUnsignedString(edge)
              + ", but the public file gives it share 1",
          KeyholderPool.checkShareKey(good.toBuilder().setKeyholder(edge).build(), HOLDER, 1,
              key));
    }
  }

  @ParameterizedTest
  @MethodSource("uint32Edges")
  void anEvaluationIsAcceptedOnlyFromItsShareAndEpoch(int edge) {
    EvaluateResponse r = EvaluateResponse.newBuilder().setEpoch(edge).setKeyholder(edge).build();
    assertNull(KeyholderPool.checkAnswerer(r, edge, edge));
    for (int other : uint32Edges()) {
      if (other != edge) {
        String expected = "answered as keyholder " + Integer.toUnsignedString(edge)
            + " of epoch " + Integer.toUnsignedString(edge);
        assertEquals(expected, KeyholderPool.checkAnswerer(r, other, edge));
        assertEquals(expected, KeyholderPool.checkAnswerer(r, edge, other));
      }
    }
  }
}
