package org.blindmatch.crypto.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.blindmatch.crypto.io.AtomicOutput;

/**
 * The CA's record of every certificate it issued ({@code DIR/index.tsv}), and the issuing
 * policy that follows from it. One tab-separated line per certificate: serial (hex), identity
 * URI, not-after, SHA-256 of the TLS public key, SHA-256 of the signing keyset, status
 * ({@code valid} or {@code revoked}), revocation time and reason ({@code -} when valid).
 *
 * <p>Policy ({@link #checkRequest}): a TLS key or a signing keyset is certified for one
 * identity only (a key seen before is "reused" and refused, also on renewal); a name belongs
 * to one role forever; a name held by a valid (unrevoked, unexpired) certificate is issued
 * again only by a renewal, which keeps role and signing keyset; servers must name the DNS
 * names or IP addresses clients dial, other roles must not.
 *
 * <p>Immutable; every change returns a new index, which {@link #write} stores atomically.
 */
public final class CaIndex {
  private static final String HEADER = "# blindmatch CA index v1: serial\tidentity\tnot_after"
      + "\ttls_key_sha256\tsigning_keyset_sha256\tstatus\trevoked_at\treason";
  private static final HexFormat HEX = HexFormat.of();

  /**
   * One issued certificate.
   *
   * @param revocation null while the certificate is not revoked
   */
  public record Entry(BigInteger serial, NodeIdentity identity, Instant notAfter,
      String tlsKeySha256, String signingKeysetSha256, Revocations.Revoked revocation) {
    public Entry {
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(notAfter, "notAfter");
      Objects.requireNonNull(tlsKeySha256, "tlsKeySha256");
      Objects.requireNonNull(signingKeysetSha256, "signingKeysetSha256");
    }

    /** {@code revoked}, {@code expired} or {@code valid} at {@code now}. */
    public String status(Instant now) {
      if (revocation != null) {
        return "revoked";
      }
      return now.isBefore(notAfter) ? "valid" : "expired";
    }

    boolean validAt(Instant now) {
      return revocation == null && now.isBefore(notAfter);
    }
  }

  private final List<Entry> entries;

  private CaIndex(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads the index; a missing file is an empty index (a CA that has issued nothing yet).
   *
   * @throws PkiException naming the file, line and field of a malformed line
   */
  public static CaIndex read(Path file) throws PkiException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new CaIndex(List.of());
    } catch (IOException e) {
      throw new PkiException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      out.add(parseLine(line, file + ":" + (i + 1)));
    }
    return new CaIndex(out);
  }

  /** Writes the index atomically (the CA directory's own file, so it is replaced). */
  public void write(Path file) throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries) {
      Revocations.Revoked r = e.revocation();
      b.append(e.serial().toString(16)).append('\t').append(e.identity()).append('\t')
          .append(e.notAfter()).append('\t').append(e.tlsKeySha256()).append('\t')
          .append(e.signingKeysetSha256()).append('\t')
          .append(r == null ? "valid\t-\t-" : "revoked\t" + r.at() + "\t" + r.reason().id())
          .append('\n');
    }
    try (AtomicOutput out = AtomicOutput.create(file, true)) {
      out.stream().write(b.toString().getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
  }

  /** Every issued certificate, in issuing order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The revoked certificates, as a CRL lists them. */
  public List<Revocations.Revoked> revoked() {
    return entries.stream().map(Entry::revocation).filter(Objects::nonNull).toList();
  }

  /**
   * Checks a request against the issuing policy (see the class comment).
   *
   * @param renew true for {@code pki renew}: the name must already have a certificate of the
   *     same role and signing keyset
   * @throws PkiException naming the rule and the earlier certificate it collides with
   */
  public void checkRequest(NodeRequest request, boolean renew, Instant now)
      throws PkiException {
    NodeIdentity id = request.identity();
    if (id.name().equals("ca")) {
      throw new PkiException(id + ": the name \"ca\" is reserved for the CA");
    }
    boolean server = id.role() == Role.CLEARINGHOUSE || id.role() == Role.KEYHOLDER;
    boolean named = !request.dnsNames().isEmpty() || !request.ipAddresses().isEmpty();
    if (server && !named) {
      throw new PkiException(id + ": a " + id.role().id() + " certificate must name the DNS "
          + "names or IP addresses clients dial (request it with --dns/--ip)");
    }
    if (!server && named) {
      throw new PkiException(id + ": a " + id.role().id() + " is not a server; its "
          + "certificate carries no DNS names or IP addresses");
    }
    String tlsKey = request.publicKeySha256();
    String signingKey = HEX.formatHex(request.signingKeysetSha256());
    List<Entry> sameName = new ArrayList<>();
    for (Entry e : entries) {
      if (e.tlsKeySha256().equals(tlsKey)) {
        throw new PkiException(id + ": reused key: this TLS key was already certified (serial "
            + e.serial().toString(16) + ", " + e.identity() + "); make a new request with a "
            + "fresh key");
      }
      if (e.signingKeysetSha256().equals(signingKey) && !e.identity().equals(id)) {
        throw new PkiException(id + ": reused key: this signing keyset is already bound to "
            + e.identity() + " (serial " + e.serial().toString(16) + ")");
      }
      if (e.identity().name().equals(id.name())) {
        sameName.add(e);
      }
    }
    for (Entry e : sameName) {
      if (e.identity().role() != id.role()) {
        throw new PkiException(id + ": the name \"" + id.name() + "\" belongs to "
            + e.identity() + "; a name keeps its role");
      }
    }
    if (renew) {
      if (sameName.isEmpty()) {
        throw new PkiException(id + ": nothing to renew: the CA never issued a certificate "
            + "for this name (use pki sign)");
      }
      Entry last = sameName.get(sameName.size() - 1);
      if (!last.signingKeysetSha256().equals(signingKey)) {
        throw new PkiException(id + ": a renewal keeps the signing keyset the federation "
            + "knows the node by (" + last.signingKeysetSha256().substring(0, 16) + "...): "
            + "make the request with --signing-keyset pointing at the node's existing keyset");
      }
      return;
    }
    for (Entry e : sameName) {
      if (e.validAt(now)) {
        throw new PkiException(id + ": the name is held by valid certificate serial "
            + e.serial().toString(16) + " (until " + e.notAfter() + "); use pki renew for "
            + "the same node, or revoke it first");
      }
    }
  }

  /** This index plus the certificate just issued for {@code request}. */
  public CaIndex withIssued(X509Certificate certificate, NodeRequest request) {
    List<Entry> next = new ArrayList<>(entries);
    next.add(new Entry(certificate.getSerialNumber(), request.identity(),
        certificate.getNotAfter().toInstant(), request.publicKeySha256(),
        HEX.formatHex(request.signingKeysetSha256()), null));
    return new CaIndex(next);
  }

  /**
   * Revokes the certificate with serial {@code nameOrSerial} (hex), or every unrevoked,
   * unexpired certificate of the node named {@code nameOrSerial}.
   *
   * @throws PkiException if nothing matches or the match is already revoked
   */
  public CaIndex revoke(String nameOrSerial, RevocationReason reason, Instant at)
      throws PkiException {
    List<Entry> next = new ArrayList<>();
    int revoked = 0;
    String alreadyRevoked = null;
    for (Entry e : entries) {
      boolean bySerial = e.serial().toString(16).equalsIgnoreCase(nameOrSerial);
      boolean byName = e.identity().name().equals(nameOrSerial) && e.validAt(at);
      if ((bySerial || byName) && e.revocation() != null) {
        alreadyRevoked = e.revocation().describe();
      }
      if ((bySerial || byName) && e.revocation() == null) {
        next.add(new Entry(e.serial(), e.identity(), e.notAfter(), e.tlsKeySha256(),
            e.signingKeysetSha256(), new Revocations.Revoked(e.serial(), at, reason)));
        revoked++;
      } else {
        next.add(e);
      }
    }
    if (revoked == 0) {
      throw new PkiException(alreadyRevoked != null ? nameOrSerial + ": " + alreadyRevoked
          : "no valid certificate with name or serial \"" + nameOrSerial + "\" in the index");
    }
    return new CaIndex(next);
  }

  private static Entry parseLine(String line, String where) throws PkiException {
    String[] f = line.split("\t", -1);
    if (f.length != 8) {
      throw new PkiException(where + ": expected 8 tab-separated fields, found " + f.length);
    }
    try {
      BigInteger serial = new BigInteger(f[0], 16);
      NodeIdentity id = NodeIdentity.fromUri(f[1]);
      Instant notAfter = Instant.parse(f[2]);
      requireHex(f[3], where, "tls_key_sha256");
      requireHex(f[4], where, "signing_keyset_sha256");
      Revocations.Revoked r = switch (f[5]) {
        case "valid" -> null;
        case "revoked" -> new Revocations.Revoked(serial, Instant.parse(f[6]),
            RevocationReason.parse(f[7]));
        default -> throw new PkiException(where + ": status \"" + f[5]
            + "\" is neither valid nor revoked");
      };
      return new Entry(serial, id, notAfter, f[3], f[4], r);
    } catch (NumberFormatException e) {
      throw new PkiException(where + ": serial: not hexadecimal");
    } catch (DateTimeParseException e) {
      throw new PkiException(where + ": not an ISO-8601 instant: " + e.getParsedString());
    } catch (IllegalArgumentException e) {
      throw new PkiException(where + ": " + e.getMessage());
    }
  }

  private static void requireHex(String s, String where, String field) throws PkiException {
    if (!s.matches("[0-9a-f]{64}")) {
      throw new PkiException(where + ": " + field + ": not 64 lowercase hex digits");
    }
  }
}
