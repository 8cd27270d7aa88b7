package org.blindmatch.server.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Durable storage of the clearinghouse's transparency log: an append-only, gap-free sequence of
 * opaque entries plus the log's seal (the signed tree head over the entries), always written
 * together. This is everything {@code org.blindmatch.server.log.TransparencyLog} needs from a
 * store, in the manner of a Trillian/Tessera log storage: append with seal, read, size.
 *
 * <p>Entries are never changed or removed; indices are consecutive from 0. A backend enforces
 * this in its database too (triggers), so that rows written around the store are refused.
 *
 * <p>Implementations are thread-safe; appends are serialized by the implementation. After the
 * backing store is closed every method throws {@link IllegalStateException}.
 */
public interface LogStorage {
  /**
   * The key prefix of a committed submission's receipt entry: {@code receipt/<store id>}.
   * Start-up recovery checks every such entry against the submissions it holds.
   */
  String RECEIPT_KEY_PREFIX = "receipt/";

  /**
   * Makes the seal kept with the log when an entry is appended: given the new entry's index,
   * the bytes to keep (the clearinghouse's signed tree head over the log with that entry).
   * Called inside the append's transaction, at most once per append; a runtime exception
   * aborts the append and is rethrown by {@link #appendLogEntry}.
   */
  @FunctionalInterface
  interface LogSealer {
    /**
     * The seal for the log whose last entry has index {@code index}.
     *
     * @param index the index the new entry gets
     * @return the seal's bytes; the store keeps its own copy
     */
    byte[] sealFor(long index);
  }

  /**
   * Durably appends an entry to the log and returns its index, which is the number of entries
   * before it. In the same database transaction the log's seal becomes
   * {@code sealer.sealFor(index)}, so that after any crash the entries and the seal stored with
   * them agree. Idempotent by {@code key}: appending the same entry under the same key again
   * returns the index it already has and writes nothing (the sealer is not called). When this
   * returns, the entry and its seal survive a crash.
   *
   * @param key identifies the entry (for example the receipt's submission), 1–1024 characters
   * @param entry the entry's bytes; the store keeps its own copy
   * @param sealer makes the new seal
   * @return the entry's index
   * @throws StoreException {@code CONFLICT} if {@code key} holds a different entry;
   *     {@code INVALID_ARGUMENT} if the key is empty or too long; {@code IO} if the database
   *     fails (also when a database rule refuses the row: nothing is written)
   */
  long appendLogEntry(String key, byte[] entry, LogSealer sealer) throws StoreException;

  /**
   * The index of the entry appended under {@code key}; empty if there is none.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} if the key is empty or too long; {@code IO}
   */
  OptionalLong logIndex(String key) throws StoreException;

  /**
   * The seal stored with the last append, as a fresh copy; empty if nothing was ever appended.
   * It is kept as a row of record kind {@code log-seal}, so backups carry it.
   *
   * @throws StoreException {@code IO}
   */
  Optional<byte[]> logSeal() throws StoreException;

  /**
   * The number of log entries.
   *
   * @throws StoreException {@code IO}
   */
  long logSize() throws StoreException;

  /**
   * Log entries {@code [from, to)}, in index order, as fresh copies; fewer if {@code to} is
   * beyond {@link #logSize()}.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} unless {@code 0 <= from <= to};
   *     {@code IO}
   */
  List<byte[]> logEntries(long from, long to) throws StoreException;

  /**
   * Durably keeps a witness's cosignature of the log's checkpoint of {@code treeSize}, so that
   * it is served after a restart (docs/PROTOCOL.md §11). One per witness and size: if
   * {@code witnessKey} already has one for that size, the stored one stays (both verify; a
   * witness's later cosignature of the same checkpoint adds nothing). The caller verifies the
   * cosignature first; the store does not parse it. When this returns, it survives a crash.
   *
   * @param treeSize the checkpoint's size, 0 or more
   * @param witnessKey the witness's verifier key (C2SP vkey text)
   * @param cosignature the cosignature line's bytes; the store keeps its own copy
   * @throws StoreException {@code INVALID_ARGUMENT} if the size is negative or the key empty;
   *     {@code IO}
   */
  void putCosignature(long treeSize, String witnessKey, byte[] cosignature)
      throws StoreException;

  /**
   * The cosignatures kept for the checkpoint of {@code treeSize}, one per witness, as fresh
   * copies in a fixed order (by witness key digest).
   *
   * @throws StoreException {@code INVALID_ARGUMENT} if the size is negative; {@code IO}
   */
  List<byte[]> cosignatures(long treeSize) throws StoreException;
}
