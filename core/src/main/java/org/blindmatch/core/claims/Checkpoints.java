package org.blindmatch.core.claims;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.sign.NoteKey;

/**
 * The clearinghouse's claim "the log with this origin has this size and root" as a C2SP
 * checkpoint (c2sp.org/tlog-checkpoint) — a signed note under the log's Ed25519 checkpoint key
 * — and a witness's claim "this is the largest consistent head I have seen of that log" as a
 * C2SP Ed25519 cosignature (c2sp.org/tlog-cosignature, type 0x04) on it. docs/PROTOCOL.md §11.
 *
 * <p>Signed by the clearinghouse (every checkpoint it serves) and by witnesses ({@code audit
 * witness}); verified by witnesses and by parties that require k witnesses. A signature line
 * from a key the verifier knows (same name and key id) must verify, or the whole note is
 * refused; lines from unknown keys are ignored, as the spec requires. Thread-safe: stateless.
 */
public final class Checkpoints {
  private static final String COSIGNATURE_HEADER = "cosignature/v1\ntime ";

  private Checkpoints() {}

  /** The origin line (and checkpoint key name) of a federation's log. */
  public static String origin(String federation) {
    return "blindmatch.invalid/" + federation + "/log";
  }

  /** The vkey of a log's checkpoint key: named by the origin, type 0x01. */
  public static VerifierKey logKey(String origin, NoteKey key) {
    return new VerifierKey(origin, VerifierKey.Type.ED25519, key.publicKey());
  }

  /** The vkey of a witness's cosigning key: type 0x04. */
  public static VerifierKey witnessKey(String name, NoteKey key) {
    return new VerifierKey(name, VerifierKey.Type.COSIGNATURE_V1, key.publicKey());
  }

  /** {@code checkpoint} signed by the log's key {@code logKey} (named by the origin). */
  public static SignedNote sign(Checkpoint checkpoint, NoteKey key)
      throws GeneralSecurityException {
    String text = checkpoint.body();
    VerifierKey vkey = logKey(checkpoint.origin(), key);
    return new SignedNote(text, List.of(new SignedNote.Signature(vkey.name(), vkey.keyId(),
        key.sign(text.getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * Verifies the log's signature on {@code note} and returns its checkpoint.
   *
   * @param origin the origin the verifier expects (its federation's log)
   * @throws ClaimVerificationException if the note has no signature of {@code log}, the
   *     signature does not verify, the body is not a checkpoint, or it names another origin
   */
  public static Checkpoint verify(SignedNote note, VerifierKey log, String origin)
      throws ClaimVerificationException {
    if (log.type() != VerifierKey.Type.ED25519) {
      throw new ClaimVerificationException("the log's checkpoint key must be of type 0x01");
    }
    boolean signed = false;
    for (SignedNote.Signature s : note.signatures()) {
      if (log.signed(s)) {
        try {
          NoteKey.verify(log.publicKey(), note.text().getBytes(StandardCharsets.UTF_8),
              s.signature());
        } catch (GeneralSecurityException e) {
          throw new ClaimVerificationException("checkpoint: the signature of " + log.name()
              + " does not verify over it");
        }
        signed = true;
      }
    }
    if (!signed) {
      throw new ClaimVerificationException("checkpoint: not signed by the log key "
          + log.format());
    }
    Checkpoint cp = Checkpoint.parse(note.text());
    if (!cp.origin().equals(origin)) {
      throw new ClaimVerificationException("checkpoint of origin " + cp.origin()
          + ", expected " + origin + " (another federation's or another log's checkpoint)");
    }
    return cp;
  }

  /** The message an Ed25519 v1 cosignature signs. */
  static byte[] cosignedMessage(String text, long time) {
    return (COSIGNATURE_HEADER + time + "\n" + text).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A witness's cosignature line over {@code note}'s checkpoint text at {@code time}.
   *
   * @param time seconds since the epoch
   */
  public static SignedNote.Signature cosign(SignedNote note, String name, NoteKey key,
      long time) throws GeneralSecurityException {
    if (time < 0) {
      throw new IllegalArgumentException("a cosignature time is >= 0");
    }
    byte[] sig = key.sign(cosignedMessage(note.text(), time));
    byte[] timestamped = ByteBuffer.allocate(8 + sig.length).putLong(time).put(sig).array();
    return new SignedNote.Signature(name, witnessKey(name, key).keyId(), timestamped);
  }

  /**
   * A verified cosignature.
   *
   * @param witness the witness's vkey
   * @param time the cosignature's timestamp, seconds since the epoch
   */
  public record Cosignature(VerifierKey witness, long time) {}

  /**
   * The cosignatures on {@code note} by the listed witnesses, one per witness (the latest if a
   * witness signed twice). Lines of other keys are ignored.
   *
   * @throws ClaimVerificationException if a line of a listed witness does not verify over this
   *     note's text (a cosignature of another checkpoint, or forged): the note is refused
   */
  public static List<Cosignature> cosignatures(SignedNote note, List<VerifierKey> witnesses)
      throws ClaimVerificationException {
    Map<VerifierKey, Cosignature> found = new LinkedHashMap<>();
    for (VerifierKey w : witnesses) {
      if (w.type() != VerifierKey.Type.COSIGNATURE_V1) {
        throw new ClaimVerificationException("witness key " + w.name()
            + " is not a cosigner key (type 0x04)");
      }
      for (SignedNote.Signature s : note.signatures()) {
        if (!w.signed(s)) {
          continue;
        }
        long time = verifyCosignature(note.text(), w, s.signature());
        Cosignature prev = found.get(w);
        if (prev == null || prev.time() < time) {
          found.put(w, new Cosignature(w, time));
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  /** Verifies one timestamped cosignature and returns its time. */
  static long verifyCosignature(String text, VerifierKey witness, byte[] timestamped)
      throws ClaimVerificationException {
    if (timestamped.length != 8 + NoteKey.SIGNATURE_LENGTH) {
      throw new ClaimVerificationException("cosignature of " + witness.name() + " has "
          + timestamped.length + " bytes, not a timestamp and an Ed25519 signature (72)");
    }
    ByteBuffer in = ByteBuffer.wrap(timestamped);
    long time = in.getLong();
    if (time < 0) {
      throw new ClaimVerificationException("cosignature of " + witness.name()
          + " has a timestamp beyond 2^63 - 1");
    }
    byte[] sig = new byte[NoteKey.SIGNATURE_LENGTH];
    in.get(sig);
    try {
      NoteKey.verify(witness.publicKey(), cosignedMessage(text, time), sig);
    } catch (GeneralSecurityException e) {
      throw new ClaimVerificationException("the cosignature of witness " + witness.name()
          + " does not verify over this checkpoint (made for another checkpoint, or forged)");
    }
    return time;
  }
}
