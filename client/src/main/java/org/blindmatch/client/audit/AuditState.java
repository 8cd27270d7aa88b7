package org.blindmatch.client.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.StreamingMerkleRoot;
import org.blindmatch.proto.v1.SignedTreeHead;

/**
 * What an auditor keeps between audits, so the next audit only reads entries after the last
 * verified one: the last verified signed tree head, the compact range (frontier) of its tree,
 * every logged receipt's commitment (what later transcripts and replays are checked against),
 * every logged member's signing keyset (what later receipts' commitment signatures are checked
 * against),
 * the logged scopes (with the k each last published) and key epochs, references to scopes or
 * key epochs not yet logged, the latest receipt under each member certificate, and
 * the fingerprint of the clearinghouse log key it was all verified under (a different key
 * later is an error, not a fresh start).
 *
 * <p>Kept as one text file {@value #FILE} in the state directory, replaced atomically, so a
 * crash leaves either the old state or the new one. Mutable; not thread-safe.
 */
public final class AuditState {
  /** The state file's name inside the state directory. */
  public static final String FILE = "audit-state";
  private static final String MAGIC = "blindmatch-audit-state 2";
  private static final HexFormat HEX = HexFormat.of();

  /** A logged receipt's commitment, by {@code submitter "\n" submission id}. */
  record Committed(long index, int mode, int keyId, long recordCount, byte[] merkleRoot) {}

  SignedTreeHead head;
  /** SHA-256 of the clearinghouse log keyset the kept head was verified under, or null. */
  byte[] logKey;
  long size;
  byte[][] frontier = new byte[0][];
  final Map<String, Committed> receipts = new LinkedHashMap<>();
  /** Logged members' public signing keysets (Tink JSON), by identity URI. */
  final Map<String, String> signingKeys = new LinkedHashMap<>();
  /** Logged scope digests (hex) and key epochs ({@code mode/key id/scope hex}). */
  final Set<String> logged = new LinkedHashSet<>();
  /** The newest logged revocation list's CRL number, or null before the first. */
  java.math.BigInteger crlNumber;
  /** Revoked certificates of every logged revocation list, by serial. */
  final Map<java.math.BigInteger, org.blindmatch.crypto.pki.Revocations.Revoked> revoked =
      new LinkedHashMap<>();
  /** Each member's current certificate serial (of its latest member entry), by identity. */
  final Map<String, java.math.BigInteger> certificates = new LinkedHashMap<>();
  /** References to a scope or key epoch not logged yet, with the first entry that made one. */
  final Map<String, Long> pending = new LinkedHashMap<>();
  /** Each logged oprf epoch's combined public key (hex), by its reference. */
  final Map<String, String> epochKeys = new LinkedHashMap<>();
  /** The k of each scope's latest publication, by scope digest (hex). */
  final Map<String, Long> scopeK = new LinkedHashMap<>();
  /**
   * Transcripts whose scope had no publication before them, by {@code scope hex "/" k}, with
   * the first such entry: the scope's first publication must carry that k.
   */
  final Map<String, Long> pendingK = new LinkedHashMap<>();
  /**
   * The latest receipt committed under each member certificate, by serial: {committed_at
   * (seconds), log index}. A revocation list logged later must not revoke the certificate at
   * or before that time.
   */
  final Map<java.math.BigInteger, long[]> lastReceipt = new LinkedHashMap<>();
  /**
   * A scope's logged disclosure control (PROTOCOL §7.2); epsilons in millionths, zero without
   * dp.
   */
  record ScopeDisclosure(int minRecords, int minSubmitters, long epsilonPerRun,
      long epsilonBudget, int sensitivity) {}

  /** Disclosure control of each scope publication that carries it, by scope digest hex. */
  final Map<String, ScopeDisclosure> disclosures = new LinkedHashMap<>();
  /** Epsilon (millionths) spent by each scope's logged runs, by scope digest hex. */
  final Map<String, Long> epsilonSpent = new LinkedHashMap<>();
  /**
   * Each scope's logged runs in log order, by scope digest hex: run id to its report inputs
   * ({@code submitter "\n" submission id}), for the differencing guard.
   */
  final Map<String, Map<String, Set<String>>> runs = new LinkedHashMap<>();

  /** An empty state: the first audit reads the whole log. */
  public AuditState() {}

  /**
   * A state that trusts {@code head}, a tree of {@code size} leaves whose right edge is
   * {@code frontier}, without having read the log: how an auditor resumes from a head it
   * verified elsewhere. The next audit checks consistency from it.
   */
  public static AuditState resumedAt(SignedTreeHead head, long size, byte[][] frontier) {
    AuditState s = new AuditState();
    s.head = head;
    s.size = size;
    s.frontier = frontier.clone();
    return s;
  }

  /** The last verified head, or null before the first audit. */
  public SignedTreeHead head() {
    return head;
  }

  /** SHA-256 of the clearinghouse log keyset the kept head was verified under, or null. */
  public byte[] logKey() {
    return logKey == null ? null : logKey.clone();
  }

  StreamingMerkleRoot tree() {
    return StreamingMerkleRoot.resume(size, frontier);
  }

  /**
   * Reads the state kept in {@code dir}; an empty state if the directory or its file does not
   * exist yet.
   *
   * @throws AuditException naming the file, line and problem if the file is not a state file
   */
  public static AuditState load(Path dir) throws AuditException {
    Path file = dir.resolve(FILE);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new AuditException(dir + ": --state must be a directory");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new AuditState();
    } catch (IOException e) {
      throw new AuditException(file + ": cannot read: " + e.getMessage());
    }
    AuditState s = new AuditState();
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new AuditException(file + ": line 1: not an audit state file (expected '" + MAGIC
          + "')");
    }
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ");
      try {
        switch (f[0]) {
          case "head" -> s.head = SignedTreeHead.parseFrom(Base64.getDecoder().decode(f[1]));
          case "logkey" -> s.logKey = hash(f[1]);
          case "frontier" -> {
            s.size = Long.parseLong(f[1]);
            s.frontier = new byte[f.length - 2][];
            for (int j = 2; j < f.length; j++) {
              s.frontier[j - 2] = hash(f[j]);
            }
            StreamingMerkleRoot.resume(s.size, s.frontier);
          }
          case "receipt" -> s.receipts.put(LogAuditor.key(f[6], f[7]), new Committed(
              Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseUnsignedInt(f[3]),
              Long.parseUnsignedLong(f[4]), hash(f[5])));
          case "signer" -> s.signingKeys.put(f[1], new String(Base64.getDecoder().decode(f[2]),
              StandardCharsets.UTF_8));
          case "logged" -> s.logged.add(f[1]);
          case "crl" -> s.crlNumber = new java.math.BigInteger(f[1]);
          case "revoked" -> s.revoked.put(new java.math.BigInteger(f[1], 16),
              new org.blindmatch.crypto.pki.Revocations.Revoked(
                  new java.math.BigInteger(f[1], 16), java.time.Instant.ofEpochSecond(
                      Long.parseLong(f[2])),
                  org.blindmatch.crypto.pki.RevocationReason.parse(f[3])));
          case "cert" -> s.certificates.put(f[1], new java.math.BigInteger(f[2], 16));
          case "pending" -> s.pending.put(f[1], Long.parseLong(f[2]));
          case "scopek" -> s.scopeK.put(f[1], Long.parseLong(f[2]));
          case "epochkey" -> s.epochKeys.put(f[1], f[2]);
          case "kpending" -> s.pendingK.put(f[1], Long.parseLong(f[2]));
          case "lastreceipt" -> s.lastReceipt.put(new java.math.BigInteger(f[1], 16),
              new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
          case "disclosure" -> s.disclosures.put(f[1], new ScopeDisclosure(
              Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
              Long.parseLong(f[5]), Integer.parseInt(f[6])));
          case "epsilon" -> s.epsilonSpent.put(f[1], Long.parseLong(f[2]));
          case "run" -> {
            Set<String> inputs = new LinkedHashSet<>();
            for (int j = 3; j < f.length; j++) {
              inputs.add(new String(Base64.getUrlDecoder().decode(f[j]),
                  StandardCharsets.UTF_8));
            }
            s.runs.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).put(f[2], inputs);
          }
          default -> throw new IllegalArgumentException("unknown field '" + f[0] + "'");
        }
      } catch (IllegalArgumentException | IndexOutOfBoundsException
          | InvalidProtocolBufferException e) {
        throw new AuditException(file + ": line " + (i + 1) + ": malformed ("
            + e.getMessage() + ")");
      }
    }
    if (s.head == null && s.size != 0) {
      throw new AuditException(file + ": has a frontier but no tree head");
    }
    return s;
  }

  /** Replaces the state kept in {@code dir} (created if needed). */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (AtomicOutput out = AtomicOutput.create(dir.resolve(FILE), true)) {
      Writer w = new java.io.OutputStreamWriter(out.stream(), StandardCharsets.UTF_8);
      w.write(MAGIC + "\n");
      w.write("head " + Base64.getEncoder().encodeToString(head.toByteArray()) + "\n");
      if (logKey != null) {
        w.write("logkey " + HEX.formatHex(logKey) + "\n");
      }
      List<String> hashes = new ArrayList<>();
      for (byte[] h : frontier) {
        hashes.add(HEX.formatHex(h));
      }
      w.write("frontier " + size + (hashes.isEmpty() ? "" : " " + String.join(" ", hashes))
          + "\n");
      for (Map.Entry<String, Committed> e : receipts.entrySet()) {
        Committed c = e.getValue();
        String[] who = e.getKey().split("\n", 2);
        w.write("receipt " + c.index() + " " + c.mode() + " " + Integer.toUnsignedString(
            c.keyId()) + " " + Long.toUnsignedString(c.recordCount()) + " "
            + HEX.formatHex(c.merkleRoot()) + " "
            + who[0] + " " + who[1] + "\n");
      }
      for (Map.Entry<String, String> e : signingKeys.entrySet()) {
        w.write("signer " + e.getKey() + " " + Base64.getEncoder().encodeToString(
            e.getValue().getBytes(StandardCharsets.UTF_8)) + "\n");
      }
      if (crlNumber != null) {
        w.write("crl " + crlNumber + "\n");
      }
      for (var r : revoked.values()) {
        w.write("revoked " + r.serial().toString(16) + " " + r.at().getEpochSecond() + " "
            + r.reason().id() + "\n");
      }
      for (Map.Entry<String, java.math.BigInteger> e : certificates.entrySet()) {
        w.write("cert " + e.getKey() + " " + e.getValue().toString(16) + "\n");
      }
      for (String l : logged) {
        w.write("logged " + l + "\n");
      }
      for (Map.Entry<String, Long> e : pending.entrySet()) {
        w.write("pending " + e.getKey() + " " + e.getValue() + "\n");
      }
      for (Map.Entry<String, String> e : epochKeys.entrySet()) {
        w.write("epochkey " + e.getKey() + " " + e.getValue() + "\n");
      }
      for (Map.Entry<String, Long> e : scopeK.entrySet()) {
        w.write("scopek " + e.getKey() + " " + e.getValue() + "\n");
      }
      for (Map.Entry<String, Long> e : pendingK.entrySet()) {
        w.write("kpending " + e.getKey() + " " + e.getValue() + "\n");
      }
      for (Map.Entry<java.math.BigInteger, long[]> e : lastReceipt.entrySet()) {
        w.write("lastreceipt " + e.getKey().toString(16) + " " + e.getValue()[0] + " "
            + e.getValue()[1] + "\n");
      }
      for (Map.Entry<String, ScopeDisclosure> e : disclosures.entrySet()) {
        ScopeDisclosure d = e.getValue();
        w.write("disclosure " + e.getKey() + " " + d.minRecords() + " " + d.minSubmitters()
            + " " + d.epsilonPerRun() + " " + d.epsilonBudget() + " " + d.sensitivity() + "\n");
      }
      for (Map.Entry<String, Long> e : epsilonSpent.entrySet()) {
        w.write("epsilon " + e.getKey() + " " + e.getValue() + "\n");
      }
      for (Map.Entry<String, Map<String, Set<String>>> scope : runs.entrySet()) {
        for (Map.Entry<String, Set<String>> run : scope.getValue().entrySet()) {
          StringBuilder line = new StringBuilder("run " + scope.getKey() + " " + run.getKey());
          for (String in : run.getValue()) {
            line.append(' ').append(Base64.getUrlEncoder().withoutPadding().encodeToString(
                in.getBytes(StandardCharsets.UTF_8)));
          }
          w.write(line + "\n");
        }
      }
      w.flush();
      out.commit();
    }
  }

  private static byte[] hash(String hex) {
    byte[] h = HEX.parseHex(hex);
    if (h.length != MerkleHash.HASH_LENGTH) {
      throw new IllegalArgumentException("a hash of " + h.length + " bytes");
    }
    return h;
  }
}
