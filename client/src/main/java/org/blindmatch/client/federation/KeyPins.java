package org.blindmatch.client.federation;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.blindmatch.crypto.io.AtomicOutput;

/**
 * The clearinghouse log keys a node trusts, one per federation, kept in a small text file
 * (the profile's {@code pins}). Every receipt, log position, tree head and run transcript a
 * client accepts is verified under the clearinghouse's public signing keyset; the
 * clearinghouse serves that keyset itself, so without a pin whoever answers with a valid TLS
 * certificate for the clearinghouse (the operator, or a CA that issued a second certificate)
 * could show each client a key of its own. A pin makes that a loud error.
 *
 * <p>File format, one pin per line, {@code #} starts a comment:
 *
 * <pre>
 * federation sea log-key sha256:3f0c…(64 hex digits)
 * </pre>
 *
 * <p>The fingerprint is SHA-256 of the public keyset JSON the clearinghouse publishes (what
 * {@code serve clearinghouse} prints at start and what the log's member entries record). A
 * federation without a pin is trusted on first use: the key shown is pinned, the file is
 * written (created if missing, replaced atomically), and a notice says so — compare it out of
 * band. A different key later is refused with both fingerprints; nothing rewrites a pin.
 * Thread-safe.
 */
public final class KeyPins {
  /** The only pin kind so far: the clearinghouse's log (claims) signing key. */
  public static final String LOG_KEY = "log-key";
  private static final String PREFIX = "sha256:";
  private static final HexFormat HEX = HexFormat.of();
  private static final String HEADER = "# blindmatch pinned keys: the clearinghouse log key per "
      + "federation. Written on first use, checked on every connection; never rewritten.\n"
      + "# Check each fingerprint with the operator out of band (serve clearinghouse prints it).";

  private final Path file;
  private final Map<String, byte[]> pins;
  private final Map<String, byte[]> expected = new LinkedHashMap<>();

  private KeyPins(Path file, Map<String, byte[]> pins) {
    this.file = file;
    this.pins = pins;
  }

  /**
   * Reads the pins kept in {@code file}; none if it does not exist yet.
   *
   * @throws FederationException naming the file and line of a malformed pin
   */
  public static KeyPins load(Path file) throws FederationException {
    Map<String, byte[]> pins = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new KeyPins(file, pins);
    } catch (IOException e) {
      throw new FederationException(file + ": cannot read the pinned keys: " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String at = file + ": line " + (i + 1) + ": ";
      if (f.length != 4 || !f[0].equals("federation") || !f[2].equals(LOG_KEY)) {
        throw new FederationException(at + "expected 'federation NAME " + LOG_KEY
            + " sha256:HEX'");
      }
      byte[] fp;
      try {
        fp = parseFingerprint(f[3]);
      } catch (IllegalArgumentException e) {
        throw new FederationException(at + e.getMessage());
      }
      if (pins.putIfAbsent(f[1], fp) != null) {
        throw new FederationException(at + "federation " + f[1] + " is pinned twice");
      }
    }
    return new KeyPins(file, pins);
  }

  /** The file the pins are kept in. */
  public Path file() {
    return file;
  }

  /**
   * Checks that {@code fingerprint} is the log key pinned for {@code federation}. When the
   * federation has no pin yet, the key is pinned: if {@link #expect} named it, as given; else
   * on first use, said loudly through {@code notices}.
   *
   * @throws FederationException if a different key is pinned or expected (naming both), or
   *     the new pin cannot be written
   */
  public synchronized void check(String federation, byte[] fingerprint,
      Consumer<String> notices) throws FederationException {
    byte[] pinned = pins.get(federation);
    if (pinned != null) {
      if (!MessageDigest.isEqual(pinned, fingerprint)) {
        throw new FederationException("the clearinghouse of federation " + federation
            + " presents log key " + format(fingerprint) + ", but " + file + " pins "
            + format(pinned) + ": refusing to trust anything it signs. If the operator "
            + "really replaced the key, confirm the new fingerprint out of band and edit the "
            + "pin; otherwise someone else is answering as the clearinghouse.");
      }
      return;
    }
    byte[] expected = this.expected.get(federation);
    if (expected != null && !MessageDigest.isEqual(expected, fingerprint)) {
      throw new FederationException("the clearinghouse of federation " + federation
          + " presents log key " + format(fingerprint) + ", not " + format(expected)
          + " as given with --pin: refusing to trust anything it signs (nothing was pinned)");
    }
    pin(federation, fingerprint);
    notices.accept(expected != null
        ? "pinned the clearinghouse log key " + format(fingerprint) + " of federation "
            + federation + " in " + file + " (as given with --pin)"
        : "FIRST USE: trusting the clearinghouse log key " + format(fingerprint)
            + " of federation " + federation + " and pinning it in " + file
            + ". Compare this fingerprint with the operator's out of band.");
  }

  /**
   * Expects {@code fingerprint} as the log key of {@code federation}, as the user gave it
   * (e.g. {@code audit verify --pin}): the next {@link #check} refuses any other key, and pins
   * this one if the federation has none yet. Nothing is written until a check succeeds.
   *
   * @throws FederationException if a different key is already pinned (naming both)
   */
  public synchronized void expect(String federation, byte[] fingerprint)
      throws FederationException {
    byte[] pinned = pins.get(federation);
    if (pinned != null && !MessageDigest.isEqual(pinned, fingerprint)) {
      throw new FederationException("--pin " + format(fingerprint) + " differs from the log "
          + "key " + format(pinned) + " that " + file + " pins for federation " + federation
          + ": find out which one the operator really uses before going on");
    }
    expected.put(federation, fingerprint.clone());
  }

  private void pin(String federation, byte[] fingerprint) throws FederationException {
    pins.put(federation, fingerprint.clone());
    try {
      save();
    } catch (IOException e) {
      pins.remove(federation);
      throw new FederationException(file + ": cannot write the pinned keys: " + e.getMessage()
          + " (check the directory exists and is writable, or set pins: in the profile)");
    }
  }

  private void save() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try (AtomicOutput out = AtomicOutput.create(file, true)) {
      Writer w = new OutputStreamWriter(out.stream(), StandardCharsets.UTF_8);
      w.write(HEADER + "\n");
      for (Map.Entry<String, byte[]> e : pins.entrySet()) {
        w.write("federation " + e.getKey() + " " + LOG_KEY + " " + format(e.getValue()) + "\n");
      }
      w.flush();
      out.commit();
    }
  }

  /** {@code sha256:} and the lowercase hex of a fingerprint. */
  public static String format(byte[] fingerprint) {
    return PREFIX + HEX.formatHex(fingerprint);
  }

  /**
   * Parses {@code sha256:HEX} (64 hex digits).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static byte[] parseFingerprint(String text) {
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a fingerprint is 'sha256:' and 64 hex digits");
    }
    String hex = text.substring(PREFIX.length());
    if (hex.length() != 64) {
      throw new IllegalArgumentException("a fingerprint is 'sha256:' and 64 hex digits, not "
          + hex.length());
    }
    try {
      return HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a fingerprint is 'sha256:' and 64 hex digits");
    }
  }
}
