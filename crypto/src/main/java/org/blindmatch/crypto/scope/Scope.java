package org.blindmatch.crypto.scope;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.io.Excerpt;

/**
 * The agreement every party must share before their tokens can match: a scope id and its
 * ordered tiers. A tier's position in {@link #tiers()} is its <em>tier number</em>, which
 * enters every token encoding.
 *
 * <p>The {@linkplain #digest() digest} is SHA-256 over the canonical encoding specified in
 * {@code docs/PROTOCOL.md} §2; it commits to every field, so two parties whose digests agree
 * derive tokens from identical parameters. Immutable and thread-safe.
 */
public final class Scope {
  /** Domain-separation tag of the canonical scope encoding. */
  public static final String DOMAIN = "blindmatch/v1/scope";
  /** Most tiers a scope may have (tier numbers are one byte in token files). */
  public static final int MAX_TIERS = 16;
  /** Tag that opens the disclosure block of the canonical encoding. */
  static final String DISCLOSURE_TAG = "disclosure";

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  private final String id;
  private final List<Tier> tiers;
  private final Disclosure disclosure;
  private final byte[] canonical;
  private final byte[] digest;

  /**
   * @throws IllegalArgumentException if the id is malformed, there are no tiers or more than
   *     {@link #MAX_TIERS}, or two tiers share a name
   */
  public Scope(String id, List<Tier> tiers) {
    this(id, tiers, Disclosure.DEFAULT);
  }

  /**
   * A scope with explicit disclosure control. Its canonical encoding (and digest) is that of
   * {@link #Scope(String, List)} when {@code disclosure} is {@link Disclosure#DEFAULT}, so a
   * scope that writes the defaults out agrees with one that leaves them implicit.
   *
   * @throws IllegalArgumentException as {@link #Scope(String, List)}
   */
  public Scope(String id, List<Tier> tiers, Disclosure disclosure) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "scope: " + Excerpt.quote(id) + " must match [a-z0-9][a-z0-9_.-]{0,63}");
    }
    if (tiers == null || tiers.isEmpty()) {
      throw new IllegalArgumentException("tiers: a scope needs at least one tier");
    }
    if (tiers.size() > MAX_TIERS) {
      throw new IllegalArgumentException(
          "tiers: " + tiers.size() + " tiers, at most " + MAX_TIERS + " are allowed");
    }
    Set<String> names = new HashSet<>();
    for (Tier t : tiers) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            "tiers: tier name " + Excerpt.quote(t.name()) + " appears twice");
      }
    }
    this.id = id;
    this.tiers = List.copyOf(tiers);
    this.disclosure = java.util.Objects.requireNonNull(disclosure, "disclosure");
    this.canonical = encode(id, this.tiers, disclosure);
    this.digest = Sha256.digest(canonical);
  }

  public String id() {
    return id;
  }

  /** The tiers in canonical order; index = tier number. */
  public List<Tier> tiers() {
    return tiers;
  }

  /** The disclosure control runs of this scope apply. */
  public Disclosure disclosure() {
    return disclosure;
  }

  /** The tier with this number. */
  public Tier tier(int number) {
    return tiers.get(number);
  }

  /** The number of the tier with this name, or -1. */
  public int tierNumber(String name) {
    for (int i = 0; i < tiers.size(); i++) {
      if (tiers.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The canonical encoding (a copy). */
  public byte[] canonicalEncoding() {
    return canonical.clone();
  }

  /** SHA-256 of the canonical encoding, 32 bytes (a copy). */
  public byte[] digest() {
    return digest.clone();
  }

  /** The digest as lowercase hex, as printed to users and compared across parties. */
  public String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scope s && MessageDigest.isEqual(s.digest, digest);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Scope[" + id + ", " + tiers.size() + " tiers, " + disclosure + ", sha256:" + digestHex() + "]";
  }

  private static byte[] encode(String id, List<Tier> tiers, Disclosure disclosure) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(DOMAIN.getBytes(StandardCharsets.US_ASCII));
      out.writeByte(1); // encoding version
      byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
      out.writeByte(idBytes.length);
      out.write(idBytes);
      out.writeByte(tiers.size());
      for (Tier t : tiers) {
        byte[] name = t.name().getBytes(StandardCharsets.US_ASCII);
        out.writeByte(name.length);
        out.write(name);
        out.writeLong(t.bucketWidth().seconds());
        out.writeByte(t.ipv4Prefix());
        out.writeByte(t.ipv6Prefix());
        out.writeLong(t.watchlistToleranceSeconds());
        out.writeInt(t.maxBucketsPerWindow());
        out.writeLong(t.maxAddressesPerCidr());
      }
      if (!disclosure.equals(Disclosure.DEFAULT)) {
        // Appended only when not the defaults: scopes from before disclosure control keep
        // their digests (and every token file made under them stays valid).
        out.write(DISCLOSURE_TAG.getBytes(StandardCharsets.US_ASCII));
        out.writeInt(disclosure.minRecords());
        out.writeInt(disclosure.minSubmitters());
        if (disclosure.dp().isPresent()) {
          Disclosure.Dp dp = disclosure.dp().get();
          out.writeByte(dp.mechanism().code());
          out.writeLong(dp.epsilonPerRunMicros());
          out.writeLong(dp.epsilonBudgetMicros());
        } else {
          out.writeByte(0);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
