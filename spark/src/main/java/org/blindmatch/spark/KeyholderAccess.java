package org.blindmatch.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.client.oprf.KeyholderPool;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.core.transport.TlsMaterial;

/**
 * How every process of an oprf-mode run reaches the keyholders: their addresses, the epoch's
 * public file and the TLS files of the node profile (CA, certificate, encrypted key, the
 * passphrase file that decrypts it). Only paths travel in the job; each process reads the
 * files itself ({@link KeySource#locate}: the path, else the file of that name shipped with
 * {@code --files}). Each JVM decrypts the TLS key once and keeps it for its lifetime, as it
 * does the hmac keyset ({@link KeySource#deriver}); every task connects its own pool with it.
 * Immutable and serializable.
 *
 * @param keyholders {@code host:port} of each keyholder, in order of preference
 * @param publicKey the epoch's public file
 * @param epoch the epoch the driver read from it
 * @param profile the node profile as the driver read it (its paths are looked up again on
 *     each executor)
 */
record KeyholderAccess(List<String> keyholders, String publicKey, int epoch,
    NodeProfileFiles profile) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final java.util.concurrent.ConcurrentHashMap<NodeProfileFiles, TlsMaterial>
      TLS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<NodeProfileFiles,
      org.blindmatch.core.transport.RevocationFile> REVOCATIONS =
          new java.util.concurrent.ConcurrentHashMap<>();

  /** The profile's files (a {@link NodeProfile} is not serializable). */
  record NodeProfileFiles(String host, int port, String ca, String cert, String key,
      String signingKeyset, String passphraseFile, String revocations)
      implements Serializable {
    private static final long serialVersionUID = 2L;

    NodeProfile located() {
      return new NodeProfile(host, port, KeySource.locate(ca), KeySource.locate(cert),
          KeySource.locate(key), Path.of(signingKeyset), KeySource.locate(passphraseFile),
          null, revocations == null ? null : KeySource.locate(revocations),
          null); // keyholders only: no log key to pin
    }
  }

  /**
   * Reads the job's oprf settings on the driver: the public file (its threshold must equal a
   * configured one) and the profile.
   *
   * @throws JobException naming the file and reason
   */
  static KeyholderAccess load(OprfSettings s) throws JobException {
    OprfKeyFiles.EpochPublicKey key = readPublic(s.publicKey());
    int t = key.shares().threshold();
    if (s.threshold() != null && s.threshold() != t) {
      throw new JobException("oprf.threshold " + s.threshold() + " differs from the threshold "
          + t + " in " + s.publicKey());
    }
    NodeProfile p;
    try {
      p = NodeProfile.load(Path.of(s.profile()));
    } catch (FederationException e) {
      throw new JobException(e.getMessage());
    }
    if (p.insecureIdentity() != null) {
      throw new JobException(s.profile() + ": oprf mode talks to keyholders over mutual TLS "
          + "only; the profile has no tls section");
    }
    return new KeyholderAccess(s.keyholders(), s.publicKey(), key.epoch(),
        new NodeProfileFiles(p.host(), p.port(), p.caCertificate().toString(),
            p.certificate().toString(), p.privateKey().toString(),
            p.signingKeyset().toString(), p.passphraseFile().toString(),
            p.revocations() == null ? null : p.revocations().toString()));
  }

  /**
   * Connects a pool to the keyholders from this process.
   *
   * @param warnings receives one line per keyholder that is unavailable or misbehaves
   * @throws JobException if the files cannot be read or fewer than t keyholders answered
   *     correctly (the message names each)
   */
  KeyholderPool connect(Consumer<String> warnings) throws JobException {
    OprfKeyFiles.EpochPublicKey key = readPublic(publicKey);
    try {
      TlsMaterial tls = tls();
      return KeyholderPool.connect(tls, revocations(tls), keyholders, key, warnings);
    } catch (FederationException e) {
      throw new JobException(e.getMessage());
    }
  }

  /** This JVM's TLS identity: decrypted on first use (600,000 PBKDF2 rounds), then cached. */
  private TlsMaterial tls() throws FederationException {
    TlsMaterial t = TLS.get(profile);
    if (t == null) {
      t = KeyholderPool.tls(profile.located());
      TLS.putIfAbsent(profile, t);
    }
    return t;
  }

  /**
   * The profile's {@code tls.revocations} as the CLI enforces it ({@link
   * KeyholderPool#revocations}); read once per JVM, then re-read whenever the file changes.
   */
  private org.blindmatch.core.transport.RevocationFile revocations(TlsMaterial tls)
      throws FederationException {
    if (profile.revocations() == null) {
      return null;
    }
    var r = REVOCATIONS.get(profile);
    if (r == null) {
      r = KeyholderPool.revocations(profile.located(), tls);
      REVOCATIONS.putIfAbsent(profile, r);
    }
    return r;
  }

  private static OprfKeyFiles.EpochPublicKey readPublic(String file) throws JobException {
    Path p = KeySource.locate(file);
    try {
      return org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(p).key(); // holders' signatures checked
    } catch (OprfException e) {
      throw new JobException(e.getMessage());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new JobException(p + ": no such oprf public file (oprf.public_key)");
    } catch (IOException e) {
      throw new JobException(p + ": cannot read the oprf public file: " + e.getMessage());
    }
  }
}
