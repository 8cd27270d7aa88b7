package org.blindmatch.crypto.oprf.dkg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import java.security.cert.X509Certificate;
import org.blindmatch.crypto.pki.NodeCertificates;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.sign.NodeSigner;

/**
 * The epoch public file of a distributed key generation: the same file {@link OprfKeyFiles}
 * writes and reads, plus a {@code dkg} member with the run (session id, participants) and each
 * holder's CONFIRM signature, by its node signing key, over the epoch's
 * {@link OprfKeyFiles.EpochPublicKey#statementDigest() statement digest}
 * (docs/PROTOCOL.md §5.2). Stateless, thread-safe.
 */
public final class DkgPublicFile {
  private static final HexFormat HEX = HexFormat.of();

  private DkgPublicFile() {}

  /**
   * One holder's signature on the epoch, the public keyset it verifies under and the holder's
   * TLS certificate (DER; null in files written before certificates were kept), which binds
   * the keyset to the holder through its signing-keyset extension.
   */
  public record Confirmation(int keyholder, String signingKeysetJson, byte[] signature,
      byte[] certificate) {
    public Confirmation {
      signature = signature.clone();
      certificate = certificate == null ? null : certificate.clone();
    }

    /** A confirmation without the holder's certificate. */
    public Confirmation(int keyholder, String signingKeysetJson, byte[] signature) {
      this(keyholder, signingKeysetJson, signature, null);
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public byte[] certificate() {
      return certificate == null ? null : certificate.clone();
    }
  }

  /** Which run produced the epoch and every holder's confirmation, by share index. */
  public record Attestation(DkgSession session, Map<Integer, Confirmation> confirmations) {
    public Attestation {
      confirmations = Map.copyOf(confirmations);
    }
  }

  /** A public file as read: the key and, for a DKG epoch, its verified attestation. */
  public record Read(OprfKeyFiles.EpochPublicKey key, Optional<Attestation> attestation) {}

  /** The payload a holder signs to confirm {@code key}. */
  public static byte[] confirmationPayload(DkgSession session, int keyholder,
      OprfKeyFiles.EpochPublicKey key) {
    return DkgEnvelope.payload(session, DkgRound.CONFIRM, keyholder, DkgEnvelope.EVERYONE,
        key.statementDigest());
  }

  /**
   * Checks that every holder of {@code key} is the participant of that index in the run and
   * signed the key; where a confirmation carries the holder's certificate, that it is the
   * holder's and names the signing keyset (its chain to the federation CA is the reader's to
   * check: {@link #checkCertificateChain}).
   *
   * @throws DkgException naming the holder whose confirmation is missing or does not verify
   */
  public static void verify(OprfKeyFiles.EpochPublicKey key, Attestation a) throws DkgException {
    DkgSession s = a.session();
    if (s.epoch() != key.epoch() || s.threshold() != key.shares().threshold()) {
      throw new DkgException("the dkg run is of epoch " + s.epoch() + " with threshold "
          + s.threshold() + ", the key of epoch " + key.epoch() + " with threshold "
          + key.shares().threshold());
    }
    for (Map.Entry<Integer, NodeIdentity> h : new TreeMap<>(key.holders()).entrySet()) {
      int i = h.getKey();
      if (i > s.size() || !s.participant(i).equals(h.getValue())) {
        throw new DkgException("holder " + i + " (" + h.getValue() + ") is not participant "
            + i + " of dkg session " + s.sessionId());
      }
      Confirmation c = a.confirmations().get(i);
      if (c == null) {
        throw new DkgException("holder " + i + " (" + h.getValue() + ") did not sign the epoch");
      }
      if (c.keyholder() != i) {
        throw new DkgException("holder " + i + " (" + h.getValue() + "): its confirmation "
            + "names keyholder " + Integer.toUnsignedString(c.keyholder()));
      }
      try {
        NodeSigner.verifier(c.signingKeysetJson())
            .verify(confirmationPayload(s, i, key), c.signature());
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new DkgException("holder " + i + " (" + h.getValue() + "): the signature on the "
            + "epoch does not verify under its signing key");
      }
      if (c.certificate() != null) {
        X509Certificate cert = certificate(c, i, h.getValue());
        try {
          if (!NodeCertificates.identityOf(cert).equals(h.getValue())) {
            throw new DkgException("holder " + i + " (" + h.getValue() + "): its certificate "
                + "is " + NodeCertificates.identityOf(cert) + "'s");
          }
          java.util.Optional<byte[]> named = NodeCertificates.signingKeysetSha256(cert);
          if (named.isPresent() && !java.security.MessageDigest.isEqual(named.get(),
              NodeSigner.fingerprint(c.signingKeysetJson()))) {
            throw new DkgException("holder " + i + " (" + h.getValue() + "): the signing key "
                + "is not the one its certificate names");
          }
        } catch (org.blindmatch.crypto.pki.PkiException e) {
          throw new DkgException("holder " + i + " (" + h.getValue() + "): " + e.getMessage());
        }
      }
    }
  }

  /**
   * Checks that every confirmation carries its holder's certificate, issued by {@code ca},
   * naming the confirmation's signing keyset in its signing-keyset extension: what makes a
   * holder's signature that holder's to a reader who trusts only the federation CA (an
   * auditor). Call after {@link #verify}.
   *
   * @throws DkgException naming the holder whose certificate is missing, not the CA's, or does
   *     not name its signing key
   */
  public static void checkCertificateChain(Attestation a, X509Certificate ca)
      throws DkgException {
    for (Confirmation c : new TreeMap<>(a.confirmations()).values()) {
      NodeIdentity holder = c.keyholder() >= 1 && c.keyholder() <= a.session().size()
          ? a.session().participant(c.keyholder()) : null;
      if (c.certificate() == null) {
        throw new DkgException("holder " + c.keyholder() + " (" + holder + "): no "
            + "certificate binds its signing key to it");
      }
      X509Certificate cert = certificate(c, c.keyholder(), holder);
      try {
        cert.verify(ca.getPublicKey());
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new DkgException("holder " + c.keyholder() + " (" + holder + "): its "
            + "certificate is not one the federation CA issued");
      }
      try {
        if (NodeCertificates.signingKeysetSha256(cert).isEmpty()) {
          throw new DkgException("holder " + c.keyholder() + " (" + holder + "): its "
              + "certificate names no signing key (issued without the signing-keyset "
              + "extension; renew it with 'pki request' and 'pki sign')");
        }
      } catch (org.blindmatch.crypto.pki.PkiException e) {
        throw new DkgException("holder " + c.keyholder() + " (" + holder + "): "
            + e.getMessage());
      }
    }
  }

  private static X509Certificate certificate(Confirmation c, int i, NodeIdentity holder)
      throws DkgException {
    try {
      X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificate(
              new java.io.ByteArrayInputStream(c.certificate()));
      if (cert == null) {
        throw new java.security.cert.CertificateException("empty");
      }
      return cert;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DkgException("holder " + i + " (" + holder + "): its certificate does not "
          + "parse");
    }
  }

  /** Writes the public file with its attestation, after {@link #verify verifying} it. */
  public static void write(Path file, OprfKeyFiles.EpochPublicKey key, Attestation a,
      boolean overwrite) throws IOException, DkgException {
    verify(key, a);
    ObjectNode root = OprfKeyFiles.publicJson(key);
    ObjectNode dkg = root.putObject("dkg");
    dkg.put("construction", "GJKR (Pedersen-VSS, then Feldman), P-256");
    dkg.put("session_id", a.session().sessionId());
    ArrayNode participants = dkg.putArray("participants");
    a.session().participants().forEach(p -> participants.add(p.toString()));
    ArrayNode confirmations = dkg.putArray("confirmations");
    for (Confirmation c : new TreeMap<>(a.confirmations()).values()) {
      ObjectNode o = confirmations.addObject().put("keyholder", c.keyholder())
          .put("signing_key", c.signingKeysetJson())
          .put("signature", HEX.formatHex(c.signature()));
      if (c.certificate() != null) {
        o.put("certificate", java.util.Base64.getEncoder().encodeToString(c.certificate()));
      }
    }
    OprfKeyFiles.writePublic(file, root, overwrite);
  }

  /**
   * Reads a public file; if it carries a {@code dkg} attestation, verifies every holder's
   * signature.
   *
   * @throws OprfException naming the file if it is malformed, inconsistent or a signature
   *     fails
   */
  public static Read read(Path file) throws OprfException, IOException {
    OprfKeyFiles.EpochPublicKey key = OprfKeyFiles.readPublic(file);
    JsonNode dkg = new ObjectMapper().readTree(Files.readAllBytes(file)).path("dkg");
    if (dkg.isMissingNode()) {
      return new Read(key, Optional.empty());
    }
    try {
      List<NodeIdentity> participants = new ArrayList<>();
      for (JsonNode p : dkg.path("participants")) {
        participants.add(NodeIdentity.fromUri(p.asText()));
      }
      if (participants.isEmpty()) {
        throw new DkgException("dkg.participants: missing");
      }
      DkgSession session = new DkgSession(participants.get(0).federation(), key.epoch(),
          dkg.path("session_id").asText(), key.shares().threshold(), participants);
      Map<Integer, Confirmation> confirmations = new TreeMap<>();
      int k = 0;
      for (JsonNode c : dkg.path("confirmations")) {
        if (!c.path("signing_key").isTextual() || !c.path("signature").isTextual()) {
          throw new DkgException("dkg.confirmations[" + k + "]: signing_key and signature "
              + "must be strings");
        }
        int index = c.path("keyholder").asInt();
        byte[] certificate = null;
        if (c.has("certificate")) {
          if (!c.path("certificate").isTextual()) {
            throw new DkgException("dkg.confirmations[" + k + "].certificate must be base64");
          }
          certificate = java.util.Base64.getDecoder().decode(c.path("certificate").asText());
        }
        confirmations.put(index, new Confirmation(index, c.path("signing_key").asText(),
            HEX.parseHex(c.path("signature").asText()), certificate));
        k++;
      }
      Attestation a = new Attestation(session, confirmations);
      verify(key, a);
      return new Read(key, Optional.of(a));
    } catch (DkgException e) {
      throw new OprfException(file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new OprfException(file + ": dkg: " + e.getMessage());
    }
  }
}
