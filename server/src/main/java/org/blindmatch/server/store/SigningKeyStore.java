package org.blindmatch.server.store;

import java.util.Optional;

/**
 * Durable, write-once registry of the public signing keysets federation members registered,
 * by identity URI. A keyset is registered once: registering the same bytes again is a no-op, a
 * different keyset for the same identity is refused (key rotation is not a store operation).
 *
 * <p>Implementations are thread-safe; after the backing store is closed every method throws
 * {@link IllegalStateException}.
 */
public interface SigningKeyStore {

  /**
   * Durably registers {@code keyset} (a Tink public keyset as UTF-8 JSON; the store does not
   * parse it) for {@code identity}.
   *
   * @param identity the member's identity URI, 1–1024 characters
   * @param keyset the keyset's bytes; the store keeps its own copy
   * @throws StoreException {@code CONFLICT} if a different keyset is registered for
   *     {@code identity}; {@code INVALID_ARGUMENT} if the identity is empty or too long;
   *     {@code IO}
   */
  void putSigningKey(String identity, byte[] keyset) throws StoreException;

  /**
   * The keyset registered for {@code identity}, as a fresh copy; empty if none.
   *
   * @throws StoreException {@code INVALID_ARGUMENT} as {@link #putSigningKey}; {@code IO}
   */
  Optional<byte[]> signingKey(String identity) throws StoreException;
}
