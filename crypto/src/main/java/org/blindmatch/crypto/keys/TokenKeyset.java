package org.blindmatch.crypto.keys;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.prf.HmacPrfParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The hmac-mode token key: a Tink PRF keyset of HMAC-SHA256 keys.
 *
 * <p>Rotation follows Tink's practice: {@link #addKey} adds a fresh key that is not yet
 * primary, the keyset is distributed to every party, then {@link #promote} makes it the key
 * tokens are derived with. Token files name the key id they used, because PRF outputs carry
 * none. Stateless and thread-safe; {@link KeysetHandle} is immutable.
 */
public final class TokenKeyset {
  /** The {@code purpose} recorded in encrypted keyset files. */
  public static final String PURPOSE = "token-prf";

  static {
    try {
      PrfConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TokenKeyset() {}

  /** A new keyset with one fresh primary HMAC-SHA256 PRF key (32 bytes). */
  public static KeysetHandle generate() throws GeneralSecurityException {
    return KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
  }

  /** The keyset with one more, non-primary, key; returns the new keyset. */
  public static KeysetHandle addKey(KeysetHandle keyset) throws GeneralSecurityException {
    return KeysetHandle.newBuilder(keyset)
        .addEntry(KeysetHandle.generateEntryFromParameters(
            PredefinedPrfParameters.HMAC_SHA256_PRF).withRandomId())
        .build();
  }

  /** The id of the most recently added key (the last entry). */
  public static int newestKeyId(KeysetHandle keyset) {
    return keyset.getAt(keyset.size() - 1).getId();
  }

  /**
   * The keyset with {@code keyId} as primary.
   *
   * @throws KeysetException if there is no enabled key with that id
   */
  public static KeysetHandle promote(KeysetHandle keyset, int keyId) throws KeysetException {
    KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry entry = keyset.getAt(i);
      if (entry.getId() == keyId) {
        if (entry.getStatus() != KeyStatus.ENABLED) {
          throw new KeysetException("key " + Integer.toUnsignedString(keyId) + " is not enabled");
        }
        builder.getAt(i).makePrimary(); // builder entries are in keyset order
        try {
          return builder.build();
        } catch (GeneralSecurityException e) {
          throw new KeysetException("cannot promote key: " + e.getMessage(), e);
        }
      }
    }
    throw new KeysetException("no key with id " + Integer.toUnsignedString(keyId)
        + " in the keyset");
  }

  /** Every key's id, role, status and type — never key material. */
  public static List<KeyInfo> describe(KeysetHandle keyset) {
    List<KeyInfo> out = new ArrayList<>();
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      String type = e.getKey() instanceof HmacPrfKey k
          ? "HMAC-" + k.getParameters().getHashType() + " PRF, "
              + k.getParameters().getKeySizeBytes() + "-byte key"
          : e.getKey().getParameters().toString();
      out.add(new KeyInfo(e.getId(), e.isPrimary(), e.getStatus().toString(), type));
    }
    return out;
  }

  /**
   * The token key with this id, or the primary when {@code keyId} is null.
   *
   * @throws KeysetException if there is no such enabled key or it is not an HMAC-SHA256 PRF
   */
  public static SelectedKey select(KeysetHandle keyset, Integer keyId) throws KeysetException {
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      boolean wanted = keyId == null ? e.isPrimary() : e.getId() == keyId;
      if (!wanted) {
        continue;
      }
      if (e.getStatus() != KeyStatus.ENABLED) {
        throw new KeysetException("key " + Integer.toUnsignedString(e.getId())
            + " is " + e.getStatus());
      }
      if (!(e.getKey() instanceof HmacPrfKey k)
          || k.getParameters().getHashType() != HmacPrfParameters.HashType.SHA256) {
        throw new KeysetException("key " + Integer.toUnsignedString(e.getId())
            + " is not an HMAC-SHA256 PRF key");
      }
      return new SelectedKey(e.getId(), k);
    }
    throw new KeysetException(keyId == null ? "the keyset has no primary key"
        : "no key with id " + Integer.toUnsignedString(keyId) + " in the keyset");
  }

  /** A chosen key and its id. */
  public record SelectedKey(int id, HmacPrfKey key) {
    @Override
    public String toString() {
      return "SelectedKey[id=" + Integer.toUnsignedString(id) + "]";
    }
  }
}
