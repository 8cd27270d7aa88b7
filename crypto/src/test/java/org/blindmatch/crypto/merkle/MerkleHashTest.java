package org.blindmatch.crypto.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MerkleHashTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void emptyRootIsSha256OfNothing() {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        HEX.formatHex(MerkleHash.emptyRoot()));
  }

  @Test
  void leafHashPrefixesZero() throws Exception {
    byte[] data = {1, 2, 3};
    assertArrayEquals(sha256(HEX.parseHex("00010203")), MerkleHash.leafHash(data));
    // RFC 6962 test leaf "" (the first published leaf).
    assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        HEX.formatHex(MerkleHash.leafHash(new byte[0])));
  }

  @Test
  void leafHashOfARangeHashesOnlyThatRange() {
    byte[] data = {9, 9, 1, 2, 3, 9};
    assertArrayEquals(MerkleHash.leafHash(new byte[] {1, 2, 3}), MerkleHash.leafHash(data, 2, 3));
    assertArrayEquals(MerkleHash.leafHash(new byte[0]), MerkleHash.leafHash(data, 6, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> MerkleHash.leafHash(data, 4, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> MerkleHash.leafHash(data, -1, 1));
  }

  @Test
  void nodeHashPrefixesOne() throws Exception {
    byte[] left = new byte[32];
    byte[] right = new byte[32];
    right[31] = 7;
    byte[] input = new byte[65];
    input[0] = 1;
    input[64] = 7;
    assertArrayEquals(sha256(input), MerkleHash.nodeHash(left, right));
  }

  @Test
  void nodeHashRejectsWrongLengths() {
    assertThrows(IllegalArgumentException.class,
        () -> MerkleHash.nodeHash(new byte[31], new byte[32]));
    assertThrows(IllegalArgumentException.class,
        () -> MerkleHash.nodeHash(new byte[32], new byte[33]));
  }

  @Test
  void aLeafIsNotANode() {
    byte[] left = new byte[32];
    byte[] right = new byte[32];
    byte[] concatenation = new byte[64];
    assertFalse(MessageDigest.isEqual(MerkleHash.nodeHash(left, right),
        MerkleHash.leafHash(concatenation)));
  }

  private static byte[] sha256(byte[] input) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(input);
  }
}
