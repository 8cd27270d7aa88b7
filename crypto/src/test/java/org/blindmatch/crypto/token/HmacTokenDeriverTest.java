package org.blindmatch.crypto.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.PrfSet;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.keys.TokenKeyset;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketWidth;
import org.junit.jupiter.api.Test;

class HmacTokenDeriverTest {
  static final Scope SCOPE = new Scope("test-scope", List.of(
      new Tier("ip+hour", new BucketWidth(3600), 32, 64, 0, 744, 65536),
      new Tier("ip-only", BucketWidth.NONE, 24, 48, 0, 744, 65536)));
  static final KeysetHandle KEYSET = generate();
  static final KeysetHandle OTHER_KEYSET = generate();
  static final HmacTokenDeriver DERIVER = deriver(SCOPE, KEYSET);

  static KeysetHandle generate() {
    try {
      return TokenKeyset.generate();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static HmacTokenDeriver deriver(Scope scope, KeysetHandle keyset) {
    try {
      TokenKeyset.SelectedKey k = TokenKeyset.select(keyset, null);
      return new HmacTokenDeriver(scope, k.key(), k.id());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] token(HmacTokenDeriver d, int tier, IpAddress a, long bucket) {
    byte[] out = new byte[16];
    d.derive(tier, a, bucket, new byte[24], out, 0);
    return out;
  }

  /** The fast path equals Tink's own PRF over the documented 88-byte encoding. */
  @Property(tries = 500)
  void equalsTinkPrfOverTheEncoding(@ForAll int v4, @ForAll long hi, @ForAll long lo,
      @ForAll boolean six, @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long bucket)
      throws Exception {
    IpAddress a = six ? IpAddress.ofIpv6(hi, lo) : IpAddress.ofIpv4(v4);
    int prefix = SCOPE.tier(0).prefixFor(a.family());
    byte[] encoding = TokenEncoding.encode(SCOPE.digest(), 0, prefix, 3600, a.mask(prefix),
        bucket);
    assertEquals(TokenEncoding.LENGTH, encoding.length);
    byte[] viaTink = KEYSET.getPrimitive(RegistryConfiguration.get(), PrfSet.class)
        .computePrimary(encoding, 16);
    assertArrayEquals(viaTink, token(DERIVER, 0, a, bucket));
  }

  @Property(tries = 200)
  void tokensDifferAcrossScopeTierKeyAndBucket(@ForAll int v4,
      @ForAll @LongRange(min = 0, max = 1_000_000) long bucket) {
    IpAddress a = IpAddress.ofIpv4(v4);
    byte[] base = token(DERIVER, 0, a, bucket);
    Scope otherScope = new Scope("test-scope-2", SCOPE.tiers());
    assertFalse(Arrays.equals(base, token(deriver(otherScope, KEYSET), 0, a, bucket)), "scope");
    assertFalse(Arrays.equals(base, token(deriver(SCOPE, OTHER_KEYSET), 0, a, bucket)), "key");
    assertFalse(Arrays.equals(base, token(DERIVER, 0, a, bucket + 1)), "bucket");
    assertFalse(Arrays.equals(token(DERIVER, 1, a.mask(24), 0),
        token(DERIVER, 0, a.mask(24), 0)), "tier");
  }

  @Property(tries = 200)
  void tierMasksAddressesToItsPrefix(@ForAll int v4, @ForAll @IntRange(min = 0, max = 255) int low) {
    IpAddress a = IpAddress.ofIpv4(v4);
    IpAddress sameSlash24 = IpAddress.ofIpv4((v4 & 0xffffff00) | low);
    assertArrayEquals(token(DERIVER, 1, a, 0), token(DERIVER, 1, sameSlash24, 0));
  }

  @Test
  void ipv4AndItsMappedFormAreTheSameToken() {
    IpAddress v4 = IpAddress.ofIpv4(0x08080808);
    IpAddress mapped = IpAddress.fromBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        (byte) 0xff, (byte) 0xff, 8, 8, 8, 8});
    assertArrayEquals(token(DERIVER, 0, v4, 5), token(DERIVER, 0, mapped, 5));
  }

  @Test
  void rejectsBucketOnTierWithoutTime() {
    assertThrows(IllegalArgumentException.class,
        () -> token(DERIVER, 1, IpAddress.ofIpv4(0x08080808), 7));
  }
}
