package org.blindmatch.server.store;

import java.util.Optional;

/**
 * Durable, write-once storage of match results: one opaque value (a serialized
 * {@code Results} message) per run and recipient.
 *
 * <p>Values are stored as given and returned as fresh copies. A key is written once: storing
 * the same value again is a no-op, a different value is refused. Implementations are
 * thread-safe; after the backing store is closed every method throws
 * {@link IllegalStateException}.
 */
public interface ResultStore {

  /**
   * Durably stores the results of run {@code runId} for {@code recipient}.
   *
   * @param runId the run, non-empty
   * @param recipient who may fetch them (an identity URI or the operator's pseudo-recipient),
   *     non-empty; together with {@code runId} at most 1023 characters
   * @param results the results; the store keeps its own copy
   * @throws StoreException {@code CONFLICT} if different results are stored for this run and
   *     recipient; {@code INVALID_ARGUMENT} if an argument is empty or too long; {@code IO}
   */
  void putResult(String runId, String recipient, byte[] results) throws StoreException;

  /**
   * The results stored by {@link #putResult}, as a fresh copy; empty if none.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} as {@link #putResult}; {@code IO}
   */
  Optional<byte[]> result(String runId, String recipient) throws StoreException;
}
