package org.blindmatch.crypto.prf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PrefixedHmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 4231 test case 6: a 131-byte key (hashed first) and a message longer than a block. */
  @Test
  void rfc4231Case6LongKey() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    byte[] msg = "Test Using Larger Than Block-Size Key - Hash Key First"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    // Pad the message to the shape this class needs: 64-byte prefix, then the rest.
    byte[] padded = new byte[64 + 10];
    System.arraycopy(msg, 0, padded, 0, msg.length);
    assertArrayEquals(jceMac(key, padded), compute(key, padded));
    // And the published value for the published message, via the reference path.
    assertArrayEquals(
        HEX.parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        jceMac(key, msg));
  }

  /** RFC 4231 test case 7: long key and a 152-byte message (prefix + 88 bytes). */
  @Test
  void rfc4231Case7() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    byte[] msg = ("This is a test using a larger than block-size key and a larger than "
        + "block-size data. The key needs to be hashed before being used by the HMAC "
        + "algorithm.").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertArrayEquals(
        HEX.parseHex("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        compute(key, msg));
  }

  @Property(tries = 300)
  void equalsJceHmac(@ForAll @Size(min = 1, max = 100) byte[] key,
      @ForAll @Size(min = 64, max = 200) byte[] message) {
    assertArrayEquals(jceMac(key, message), compute(key, message));
  }

  private static byte[] compute(byte[] key, byte[] message) {
    PrefixedHmacSha256 mac = new PrefixedHmacSha256(key, Arrays.copyOf(message, 64));
    byte[] out = new byte[32];
    mac.compute(message, 64, message.length - 64, out, 0, 32);
    byte[] truncated = new byte[16];
    mac.compute(message, 64, message.length - 64, truncated, 0, 16);
    assertArrayEquals(Arrays.copyOf(out, 16), truncated);
    return out;
  }

  static byte[] jceMac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
