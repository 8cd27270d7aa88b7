package org.blindmatch.crypto.merkle;

import static org.blindmatch.crypto.merkle.MerkleHash.HASH_LENGTH;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only list of 32-byte hashes with {@code long} indices, stored back to back in
 * pages of 1 MiB. One object per hash would more than double the memory of a large tree, and a
 * single array could not hold more than 2^26 hashes. The first page starts small and doubles,
 * so the many short upper levels of a tree stay small.
 *
 * <p>Not thread-safe.
 */
final class HashStore {
  private static final int PAGE_SHIFT = 15;
  private static final int HASHES_PER_PAGE = 1 << PAGE_SHIFT;
  private static final int FIRST_PAGE_HASHES = 16;

  private final List<byte[]> pages = new ArrayList<>();
  private long size;

  long size() {
    return size;
  }

  /** Appends {@code src[srcOff, srcOff+32)}. */
  void append(byte[] src, int srcOff) {
    int page = (int) (size >>> PAGE_SHIFT);
    int offset = offset(size);
    if (page == pages.size()) {
      pages.add(new byte[(page == 0 ? FIRST_PAGE_HASHES : HASHES_PER_PAGE) * HASH_LENGTH]);
    } else if (offset == pages.get(page).length) {
      // Only the first page is ever short; grow it towards a full page.
      pages.set(page, Arrays.copyOf(pages.get(page), 2 * offset));
    }
    System.arraycopy(src, srcOff, pages.get(page), offset, HASH_LENGTH);
    size++;
  }

  /** Returns a copy of hash {@code index}, {@code 0 <= index < size()}. */
  byte[] get(long index) {
    byte[] out = new byte[HASH_LENGTH];
    copy(index, out, 0);
    return out;
  }

  /** Copies hash {@code index} to {@code out[outOff, outOff+32)}. */
  void copy(long index, byte[] out, int outOff) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("hash " + index + " of " + size);
    }
    System.arraycopy(pages.get((int) (index >>> PAGE_SHIFT)), offset(index), out, outOff,
        HASH_LENGTH);
  }

  private static int offset(long index) {
    return (int) (index & (HASHES_PER_PAGE - 1)) * HASH_LENGTH;
  }
}
