package org.blindmatch.bench;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.prf.HmacPrfKey;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketWidth;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.token.TokenEncoding;

/**
 * In-memory token derivation on one thread: {@link HmacTokenDeriver} against the naive loop
 * (one reused {@code javax.crypto.Mac}, the 88-byte encoding built and MACed per token),
 * measured alternately in the same run. Prints tokens/s per core and the ratio.
 */
final class DerivationBench {
  private static final int BATCH = 1 << 20;

  private DerivationBench() {}

  static void run(int rounds) throws Exception {
    Scope scope = new Scope("bench", List.of(
        new Tier("ip+hour", new BucketWidth(3600), 32, 64, 0, 744, 65536)));
    TokenKeyset.SelectedKey key = TokenKeyset.select(TokenKeyset.generate(), null);
    HmacTokenDeriver deriver = new HmacTokenDeriver(scope, key.key(), key.id());
    Mac mac = naiveMac(key.key());
    byte[] digest = scope.digest();
    IpAddress[] addresses = new IpAddress[4096];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = IpAddress.ofIpv4(0x2d000000 + i * 7919);
    }
    long sink = 0;
    double bestFast = 0;
    double bestNaive = 0;
    System.out.printf("token derivation, 1 thread, %d tokens per round, %d rounds%n",
        BATCH, rounds);
    for (int r = -2; r < rounds; r++) { // two warm-up rounds
      long t0 = System.nanoTime();
      sink += fast(deriver, addresses);
      long t1 = System.nanoTime();
      sink += naive(mac, digest, addresses);
      long t2 = System.nanoTime();
      double fastRate = BATCH / ((t1 - t0) / 1e9);
      double naiveRate = BATCH / ((t2 - t1) / 1e9);
      if (r >= 0) {
        bestFast = Math.max(bestFast, fastRate);
        bestNaive = Math.max(bestNaive, naiveRate);
        System.out.printf("  round %d: blindmatch %,.0f tokens/s, naive Mac %,.0f tokens/s%n",
            r, fastRate, naiveRate);
      }
    }
    System.out.printf("RESULT derive: blindmatch %,.0f tokens/s/core, naive javax.crypto.Mac "
        + "%,.0f tokens/s/core, ratio %.2fx (best of %d; target >= 1.5x)  [sink %d]%n",
        bestFast, bestNaive, bestFast / bestNaive, rounds, sink & 1);
  }

  private static long fast(HmacTokenDeriver d, IpAddress[] addresses) {
    byte[] out = new byte[16];
    byte[] scratch = new byte[24];
    long acc = 0;
    for (int i = 0; i < BATCH; i++) {
      d.derive(0, addresses[i & 4095], 490_000 + (i >>> 12), scratch, out, 0);
      acc += out[0];
    }
    return acc;
  }

  private static long naive(Mac mac, byte[] digest, IpAddress[] addresses) throws Exception {
    long acc = 0;
    for (int i = 0; i < BATCH; i++) {
      IpAddress a = addresses[i & 4095];
      byte[] encoding = TokenEncoding.encode(digest, 0, 32, 3600, a, 490_000 + (i >>> 12));
      byte[] token = java.util.Arrays.copyOf(mac.doFinal(encoding), 16);
      acc += token[0];
    }
    return acc;
  }

  private static Mac naiveMac(HmacPrfKey key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(
        key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), "HmacSHA256"));
    return mac;
  }
}
