package org.blindmatch.server.store.segment;

import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes operations on one submission id while letting different ids proceed in
 * parallel. A fixed set of locks is striped by id, so memory stays bounded; ids equal up to
 * letter case share a lock because they share a file name on case-insensitive file systems.
 */
final class IdLocks {
  private final ReentrantLock[] stripes;

  IdLocks(int stripes) {
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock();
    }
  }

  /** The lock for {@code submissionId}; callers lock and unlock it around their work. */
  ReentrantLock forId(String submissionId) {
    int h = submissionId.toLowerCase(Locale.ROOT).hashCode();
    return stripes[Math.floorMod(h, stripes.length)];
  }
}
