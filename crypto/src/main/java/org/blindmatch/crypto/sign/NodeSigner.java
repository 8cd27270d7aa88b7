package org.blindmatch.crypto.sign;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.blindmatch.crypto.hash.Sha256;

/**
 * A node's signing key for commitments, receipts and transcripts: a Tink ECDSA P-256 keyset
 * (stored encrypted with {@link org.blindmatch.crypto.keys.EncryptedKeysetFile}, purpose
 * {@link #PURPOSE}). Its public half travels as Tink JSON. Immutable, thread-safe.
 */
public final class NodeSigner {
  /** The {@code purpose} of node signing keyset files. */
  public static final String PURPOSE = "node-signing";

  static {
    NativeSignatures.register();
    try {
      SignatureConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle keyset;
  private final PublicKeySign signer;
  private final String publicKeysetJson;

  private NodeSigner(KeysetHandle keyset) throws GeneralSecurityException {
    this.keyset = keyset;
    this.signer = keyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    this.publicKeysetJson =
        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(keyset.getPublicKeysetHandle());
  }

  /** A fresh ECDSA P-256 signing keyset. */
  public static KeysetHandle generate() throws GeneralSecurityException {
    return KeysetHandle.generateNew(PredefinedSignatureParameters.ECDSA_P256);
  }

  /** A signer over an existing private keyset. */
  public static NodeSigner of(KeysetHandle keyset) throws GeneralSecurityException {
    return new NodeSigner(keyset);
  }

  /** The private keyset, for storage (encrypted). */
  public KeysetHandle keyset() {
    return keyset;
  }

  /** The public keyset as Tink JSON; safe to publish. */
  public String publicKeysetJson() {
    return publicKeysetJson;
  }

  /**
   * Signs {@code data}. Callers sign claims through {@code org.blindmatch.core.claims}, which
   * prefixes a per-kind context; signing raw bytes here is for those classes.
   */
  public byte[] sign(byte[] data) throws GeneralSecurityException {
    return signer.sign(data);
  }

  /**
   * A reusable verifier for a public keyset in Tink JSON, for checking many signatures without
   * parsing the keyset each time. Thread-safe.
   *
   * @throws GeneralSecurityException if the keyset is malformed or holds secret material
   */
  public static Verifier verifier(String publicKeysetJson) throws GeneralSecurityException {
    return new Verifier(TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(publicKeysetJson)
        .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class));
  }

  /** Verifies signatures under one public keyset; see {@link #verifier}. Thread-safe. */
  public static final class Verifier {
    private final PublicKeyVerify verify;

    private Verifier(PublicKeyVerify verify) {
      this.verify = verify;
    }

    /** @throws GeneralSecurityException if the signature does not verify */
    public void verify(byte[] data, byte[] signature) throws GeneralSecurityException {
      verify.verify(signature, data);
    }
  }

  /**
   * Where ECDSA runs: "Conscrypt (BoringSSL)" when its native library loaded on this
   * platform, else "JDK (SunEC)"; for reports and benchmarks.
   */
  public static String implementation() {
    return NativeSignatures.available() ? "Conscrypt (BoringSSL)" : "JDK (SunEC)";
  }

  /** SHA-256 of a public keyset's JSON text, how keys are referred to in receipts. */
  public static byte[] fingerprint(String publicKeysetJson) {
    return Sha256.digest(publicKeysetJson.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "NodeSigner[" + keyset.getKeysetInfo().getPrimaryKeyId() + "]";
  }
}
