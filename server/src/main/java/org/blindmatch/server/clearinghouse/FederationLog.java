package org.blindmatch.server.clearinghouse;

import com.google.protobuf.ByteString;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.KeyEpoch;
import org.blindmatch.proto.v1.KeyMode;
import org.blindmatch.proto.v1.KeyholderShare;
import org.blindmatch.proto.v1.LogEntry;
import org.blindmatch.proto.v1.Member;
import org.blindmatch.proto.v1.OprfEpoch;
import org.blindmatch.proto.v1.ScopePublication;
import org.blindmatch.core.disclosure.PrivacyBudget;
import org.blindmatch.crypto.scope.Disclosure;
import org.blindmatch.server.store.StoreException;

/**
 * Log entries that describe the federation rather than a submission or run: members (node
 * certificates and signing keys, with roles), the published scope and key epochs. Each is
 * appended once: appends are idempotent by key, so repeating one (a restart, a node
 * registering again) adds nothing. Thread-safe: the log serializes appends.
 */
public final class FederationLog {
  private FederationLog() {}

  /**
   * Appends {@code epoch} unless it is already logged, and returns its index. Call it when an
   * epoch becomes acceptable, before any submission may name it; the configuration's hmac key
   * ids and oprf epochs are logged at start-up ({@link #oprfEpoch} builds an oprf entry).
   *
   * @throws StoreException {@code CONFLICT} if a different entry is logged for the same mode,
   *     key id and scope; {@code IO}
   * @throws IllegalArgumentException if the mode is unspecified or the scope digest is not 32
   *     bytes
   */
  public static long keyEpoch(Clearinghouse ch, KeyEpoch epoch) throws StoreException {
    if (epoch.getMode() != KeyMode.KEY_MODE_HMAC && epoch.getMode() != KeyMode.KEY_MODE_OPRF) {
      throw new IllegalArgumentException("key epoch mode must be hmac or oprf");
    }
    if (epoch.getScopeDigest().size() != 32) {
      throw new IllegalArgumentException("key epoch scope digest must be 32 bytes");
    }
    String mode = epoch.getMode() == KeyMode.KEY_MODE_HMAC ? "hmac" : "oprf";
    // An attested epoch has a key of its own, so that a log holding the same epoch logged
    // before attestations were (without them) can take the attested entry too; auditors
    // refuse two entries of one epoch with different keys.
    return ch.log().append("key-epoch/" + mode + "/" + Integer.toUnsignedString(epoch.getKeyId())
        + "/" + HexFormat.of().formatHex(epoch.getScopeDigest().toByteArray())
        + (epoch.getOprf().hasDkg() ? "/dkg" : ""),
        LogEntry.newBuilder().setKeyEpoch(epoch).build().toByteArray());
  }

  /** The key epoch entry of an oprf epoch's public parameters, for {@link #keyEpoch}. */
  public static KeyEpoch oprfEpoch(byte[] scopeDigest, OprfKeyFiles.EpochPublicKey epoch) {
    return oprfEpoch(scopeDigest, epoch, null);
  }

  /**
   * As {@link #oprfEpoch(byte[], OprfKeyFiles.EpochPublicKey)}, carrying the DKG run and every
   * holder's signature (with its certificate) when {@code attestation} is not null.
   */
  public static KeyEpoch oprfEpoch(byte[] scopeDigest, OprfKeyFiles.EpochPublicKey epoch,
      org.blindmatch.crypto.oprf.dkg.DkgPublicFile.Attestation attestation) {
    KeyEpoch plain = oprfEpochOnly(scopeDigest, epoch);
    if (attestation == null) {
      return plain;
    }
    org.blindmatch.proto.v1.DkgAttestation.Builder d =
        org.blindmatch.proto.v1.DkgAttestation.newBuilder()
            .setSessionId(attestation.session().sessionId());
    attestation.session().participants().forEach(p -> d.addParticipants(p.toString()));
    for (var c : new TreeMap<>(attestation.confirmations()).values()) {
      org.blindmatch.proto.v1.HolderConfirmation.Builder h =
          org.blindmatch.proto.v1.HolderConfirmation.newBuilder()
              .setKeyholder(c.keyholder())
              .setSigningKeyset(c.signingKeysetJson())
              .setSignature(ByteString.copyFrom(c.signature()));
      if (c.certificate() != null) {
        h.setCertificate(ByteString.copyFrom(c.certificate()));
      }
      d.addConfirmations(h);
    }
    return plain.toBuilder().setOprf(plain.getOprf().toBuilder().setDkg(d)).build();
  }

  private static KeyEpoch oprfEpochOnly(byte[] scopeDigest, OprfKeyFiles.EpochPublicKey epoch) {
    OprfEpoch.Builder o = OprfEpoch.newBuilder()
        .setThreshold(epoch.shares().threshold())
        .setShares(epoch.shares().shareKeys().size())
        .setCombinedPublicKey(ByteString.copyFrom(epoch.groupKey().encode()));
    for (Map.Entry<Integer, Element> share : new TreeMap<>(epoch.shares().shareKeys())
        .entrySet()) {
      o.addKeyholders(KeyholderShare.newBuilder()
          .setIndex(share.getKey())
          .setKeyholder(epoch.holders().get(share.getKey()).uri().toString())
          .setPublicKey(ByteString.copyFrom(share.getValue().encode())));
    }
    return KeyEpoch.newBuilder().setMode(KeyMode.KEY_MODE_OPRF).setKeyId(epoch.epoch())
        .setScopeDigest(ByteString.copyFrom(scopeDigest)).setOprf(o).build();
  }

  /**
   * Logs the published scope, an hmac key epoch per accepted key id and an oprf key epoch per
   * accepted oprf epoch.
   */
  static void atStartup(Clearinghouse ch) throws StoreException {
    byte[] digest = ch.scope().digest();
    Disclosure d = ch.scope().disclosure();
    ScopePublication.Builder pub = ScopePublication.newBuilder()
        .setScopeId(ch.scope().id())
        .setScopeDigest(ByteString.copyFrom(digest))
        .setKThreshold(ch.kThreshold())
        .setMinRecords(d.minRecords())
        .setMinSubmitters(d.minSubmitters());
    d.dp().ifPresent(dp -> pub.setDpEpsilonPerRunMicros(dp.epsilonPerRunMicros())
        .setDpEpsilonBudgetMicros(dp.epsilonBudgetMicros())
        .setDpSensitivity(PrivacyBudget.sensitivity(ch.scope().tiers().size())));
    // The disclosure settings are part of the key: a log started before they existed gets a
    // second publication instead of a conflict with its first.
    ch.log().append("scope/" + HexFormat.of().formatHex(digest) + "/k" + ch.kThreshold()
            + "/r" + d.minRecords() + "s" + d.minSubmitters()
            + d.dp().map(dp -> "/dp" + dp.epsilonPerRunMicros() + "-"
                + dp.epsilonBudgetMicros()).orElse(""),
        LogEntry.newBuilder().setScope(pub).build().toByteArray());
    for (int keyId : ch.acceptedKeyIds()) {
      keyEpoch(ch, KeyEpoch.newBuilder().setMode(KeyMode.KEY_MODE_HMAC).setKeyId(keyId)
          .setScopeDigest(ByteString.copyFrom(digest)).build());
    }
    for (OprfKeyFiles.EpochPublicKey epoch : new TreeMap<>(ch.oprfEpochs()).values()) {
      keyEpoch(ch, oprfEpoch(digest, epoch, ch.oprfAttestations().get(epoch.epoch())));
    }
  }

  /**
   * Logs the federation's revocation list (as the CA signed it), once per CRL number, so that
   * auditors learn every revocation from the log and check the CA's signature themselves. A
   * failure to append is not fatal to enforcement (the list is enforced at the TLS layer
   * either way); it is retried when the list is next loaded or at the next start.
   */
  static void revocations(Clearinghouse ch, org.blindmatch.crypto.pki.Revocations list) {
    try {
      ch.log().append("revocations/" + list.number(), LogEntry.newBuilder()
          .setRevocations(org.blindmatch.proto.v1.RevocationList.newBuilder()
              .setCrl(ByteString.copyFrom(list.encoded()))).build().toByteArray());
    } catch (StoreException e) {
      System.getLogger(FederationLog.class.getName()).log(System.Logger.Level.WARNING,
          "cannot log revocation list number " + list.number() + ": " + e.getMessage());
    }
  }

  /**
   * Logs a node that registered {@code publicKeyset}, once per identity and certificate (a
   * different signing key for an identity is refused before this is called).
   *
   * @param certificate the node's TLS certificate, or null on a development server
   */
  static long member(Clearinghouse ch, NodeIdentity node, X509Certificate certificate,
      String publicKeyset) throws StoreException {
    Member.Builder m = Member.newBuilder()
        .setIdentity(node.uri().toString())
        .setRole(node.role().id())
        .setSigningKeysetSha256(ByteString.copyFrom(NodeSigner.fingerprint(publicKeyset)))
        .setSigningKeyset(publicKeyset);
    if (certificate != null) {
      try {
        m.setCertificateSha256(ByteString.copyFrom(Sha256.digest(certificate.getEncoded())));
        m.setCertificate(ByteString.copyFrom(certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a verified peer certificate does not encode", e);
      }
    }
    return ch.log().append("member/" + node.uri() + "/"
        + HexFormat.of().formatHex(m.getCertificateSha256().toByteArray()),
        LogEntry.newBuilder().setMember(m).build().toByteArray());
  }
}
