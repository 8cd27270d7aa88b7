package org.blindmatch.crypto.oprf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.keys.EncryptedSecretFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;

/**
 * Files of a key epoch ({@code docs/PROTOCOL.md} §5.1): the public file (epoch, threshold,
 * every share's public key, the group public key) that every party and auditor may hold, and
 * one encrypted share file per keyholder. Stateless, thread-safe.
 */
public final class OprfKeyFiles {
  /** {@code purpose} of share files. */
  public static final String SHARE_PURPOSE = "oprf-share";
  private static final HexFormat HEX = HexFormat.of();

  private OprfKeyFiles() {}

  /**
   * A key epoch's public parameters.
   *
   * @param epoch the key epoch (token files and submissions name it as their key id)
   * @param shares the threshold and every share's public key
   * @param groupKey the epoch's public key {@code k·G}
   * @param holders the keyholder identity holding each share, by share index: a keyholder's
   *     certificate must name exactly this identity, and clients refuse any other server
   */
  public record EpochPublicKey(int epoch, ThresholdPublicKey shares, Element groupKey,
      Map<Integer, NodeIdentity> holders) {
    /**
     * @throws IllegalArgumentException unless every share has exactly one holder, of role
     *     keyholder
     */
    public EpochPublicKey {
      holders = Map.copyOf(holders);
      if (!holders.keySet().equals(shares.shareKeys().keySet())) {
        throw new IllegalArgumentException("holders " + new TreeMap<>(holders).keySet()
            + " do not match the shares " + new TreeMap<>(shares.shareKeys()).keySet());
      }
      Set<NodeIdentity> distinct = new HashSet<>();
      for (NodeIdentity h : holders.values()) {
        if (h.role() != Role.KEYHOLDER) {
          throw new IllegalArgumentException("holder " + h + " is not a keyholder identity");
        }
        if (!distinct.add(h)) {
          throw new IllegalArgumentException(h + " is named as the holder of two shares; a "
              + "keyholder serves one share");
        }
      }
    }

    /** The share index held by {@code identity}, or -1. */
    public int shareOf(NodeIdentity identity) {
      for (Map.Entry<Integer, NodeIdentity> e : holders.entrySet()) {
        if (e.getValue().equals(identity)) {
          return e.getKey();
        }
      }
      return -1;
    }

    /**
     * SHA-256 of the epoch's public parameters, what keyholders sign at the end of a
     * distributed key generation: {@code "blindmatch/v1/oprf-epoch" ‖ 0x00 ‖ epoch u32 ‖
     * threshold u32 ‖ group key ‖ count u32 ‖ (index u32 ‖ holder URI ‖ share key)*} in index
     * order, URIs as u16 length ‖ UTF-8.
     */
    public byte[] statementDigest() {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
        out.writeBytes("blindmatch/v1/oprf-epoch");
        out.writeByte(0);
        out.writeInt(epoch);
        out.writeInt(shares.threshold());
        out.write(groupKey.encode());
        out.writeInt(shares.shareKeys().size());
        for (Map.Entry<Integer, Element> e : new TreeMap<>(shares.shareKeys()).entrySet()) {
          out.writeInt(e.getKey());
          out.writeUTF(holders.get(e.getKey()).toString());
          out.write(e.getValue().encode());
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return org.blindmatch.crypto.hash.Sha256.digest(bytes.toByteArray());
    }

    /**
     * How many shares are held by identities named {@code name}. Identity names stand for the
     * operating party, so this is what one party could evaluate with.
     */
    public int sharesNamed(String name) {
      return (int) holders.values().stream().filter(h -> h.name().equals(name)).count();
    }
  }

  /** One keyholder's share of one epoch. */
  public record EpochShare(int epoch, int threshold, KeyShare share) {
    @Override
    public String toString() {
      return "EpochShare[epoch=" + epoch + ", keyholder " + share.index() + "]";
    }
  }

  /** Writes the public file. */
  public static void writePublic(Path file, EpochPublicKey key, boolean overwrite)
      throws IOException {
    writePublic(file, publicJson(key), overwrite);
  }

  /**
   * Writes a public file from {@link #publicJson} to which a caller added members (the DKG's
   * {@code dkg} attestation); {@link #readPublic} ignores members it does not know.
   */
  public static void writePublic(Path file, ObjectNode root, boolean overwrite)
      throws IOException {
    try (AtomicOutput out = AtomicOutput.create(file, overwrite)) {
      out.stream().write(new ObjectMapper().writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(root));
      out.stream().write('\n');
      out.commit();
    }
  }

  /** The JSON form of a public file. */
  public static ObjectNode publicJson(EpochPublicKey key) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("format", "blindmatch-oprf-public-v1");
    root.put("suite", "P256-SHA256");
    root.put("epoch", key.epoch());
    root.put("threshold", key.shares().threshold());
    root.put("group_public_key", HEX.formatHex(key.groupKey().encode()));
    ArrayNode shares = root.putArray("share_public_keys");
    for (Map.Entry<Integer, Element> e : key.shares().shareKeys().entrySet()) {
      shares.addObject().put("keyholder", e.getKey())
          .put("holder", key.holders().get(e.getKey()).toString())
          .put("public_key", HEX.formatHex(e.getValue().encode()));
    }
    return root;
  }

  /**
   * Reads a public file and checks that the share keys interpolate to the group key.
   *
   * @throws OprfException naming the file if it is malformed or inconsistent
   */
  public static EpochPublicKey readPublic(Path file) throws OprfException, IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
    if (root == null || !"blindmatch-oprf-public-v1".equals(root.path("format").asText())) {
      throw new OprfException(file + ": not a blindmatch OPRF public key file");
    }
    try {
      Map<Integer, Element> keys = new LinkedHashMap<>();
      Map<Integer, NodeIdentity> holders = new LinkedHashMap<>();
      int i = 0;
      for (JsonNode s : root.path("share_public_keys")) {
        int index = s.path("keyholder").asInt();
        if (!s.path("holder").isTextual()) {
          throw new OprfException(file + ": share_public_keys[" + i + "].holder: missing (the "
              + "keyholder identity blindmatch://<federation>/keyholder/<name>)");
        }
        holders.put(index, NodeIdentity.fromUri(s.path("holder").asText()));
        keys.put(index, Element.decode(HEX.parseHex(s.path("public_key").asText())));
        i++;
      }
      ThresholdPublicKey shares = new ThresholdPublicKey(root.path("threshold").asInt(), keys);
      Element group = Element.decode(HEX.parseHex(root.path("group_public_key").asText()));
      if (!shares.interpolatedPublicKey().equals(group)) {
        throw new OprfException(file + ": the share public keys do not interpolate to the "
            + "group public key");
      }
      return new EpochPublicKey(root.path("epoch").asInt(), shares, group, holders);
    } catch (IllegalArgumentException e) {
      throw new OprfException(file + ": " + e.getMessage());
    }
  }

  /** Writes one keyholder's share, encrypted under its passphrase. */
  public static void writeShare(Path file, EpochShare share, char[] passphrase,
      boolean overwrite) throws IOException, KeysetException {
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("epoch", share.epoch());
    s.put("threshold", share.threshold());
    s.put("keyholder", share.share().index());
    byte[] scalar = Scalars.encode(share.share().value());
    s.put("share", HEX.formatHex(scalar));
    byte[] plain = new ObjectMapper().writeValueAsBytes(s);
    try {
      EncryptedSecretFile.write(file, plain, SHARE_PURPOSE, passphrase,
          PassphraseKdf.withRandomSalt(), overwrite);
    } finally {
      Arrays.fill(plain, (byte) 0);
      Arrays.fill(scalar, (byte) 0);
    }
  }

  /** Reads and decrypts a share file. */
  public static EpochShare readShare(Path file, char[] passphrase)
      throws KeysetException, OprfException, IOException {
    byte[] plain = EncryptedSecretFile.read(file, SHARE_PURPOSE, passphrase);
    try {
      JsonNode s = new ObjectMapper().readTree(new String(plain, StandardCharsets.UTF_8));
      BigInteger value = Scalars.decode(HEX.parseHex(s.path("share").asText()));
      return new EpochShare(s.path("epoch").asInt(), s.path("threshold").asInt(),
          new KeyShare(s.path("keyholder").asInt(), KeyPair.of(value)));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }
}
