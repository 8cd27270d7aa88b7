package org.blindmatch.crypto.keys;

/**
 * What may be shown about one key of a keyset: never its material.
 *
 * @param id the key id (unsigned 32-bit), recorded in token files
 * @param primary whether tokenize uses it by default
 * @param status Tink key status (ENABLED, DISABLED, DESTROYED)
 * @param type the key's parameters in words, e.g. {@code HMAC-SHA256 PRF, 32-byte key}
 */
public record KeyInfo(int id, boolean primary, String status, String type) {
  /** The id as users see it: unsigned decimal. */
  public String idText() {
    return Integer.toUnsignedString(id);
  }
}
