package org.blindmatch.server.clearinghouse;

import java.util.Arrays;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.crypto.tokenfile.TokenRecord;

/**
 * Checks an upload's records as chunks arrive — ascending order and declared tiers — and
 * keeps the running Merkle root, so a commit need not rescan what this process already saw.
 * It lives only in memory: after a restart the commit rescans the staged records instead.
 * Callers synchronise on the instance.
 */
final class UploadVerifier {
  private final StreamingMerkleRoot root = new StreamingMerkleRoot();
  private final boolean[] allowedTiers = new boolean[256];
  private final byte[] last = new byte[TokenRecord.LENGTH];
  private long records;

  UploadVerifier(int[] tiers) {
    for (int t : tiers) {
      allowedTiers[t] = true;
    }
  }

  long records() {
    return records;
  }

  /** Null if the chunk may follow what came before, else why not. */
  String check(byte[] chunk, int len) {
    for (int off = 0; off < len; off += TokenRecord.LENGTH) {
      int tier = chunk[off + TokenRecord.TIER_OFFSET] & 0xff;
      if (!allowedTiers[tier]) {
        return "record " + (records + off / TokenRecord.LENGTH) + " names tier " + tier
            + ", not declared by the submission";
      }
      boolean first = records == 0 && off == 0;
      int cmp = off == 0
          ? Arrays.compareUnsigned(last, 0, TokenRecord.LENGTH, chunk, 0, TokenRecord.LENGTH)
          : Arrays.compareUnsigned(chunk, off - TokenRecord.LENGTH, off, chunk, off,
              off + TokenRecord.LENGTH);
      if (!first && cmp > 0) {
        return "record " + (records + off / TokenRecord.LENGTH)
            + " is out of order; records must be sorted ascending";
      }
    }
    return null;
  }

  /** Adds a chunk that {@link #check} accepted and the store has durably appended. */
  void accept(byte[] chunk, int len) {
    for (int off = 0; off < len; off += TokenRecord.LENGTH) {
      root.addLeaf(chunk, off, TokenRecord.LENGTH);
    }
    System.arraycopy(chunk, len - TokenRecord.LENGTH, last, 0, TokenRecord.LENGTH);
    records += len / TokenRecord.LENGTH;
  }

  byte[] root() {
    return root.root();
  }
}
