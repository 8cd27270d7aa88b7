package org.blindmatch.crypto.oprf.dkg;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import org.blindmatch.crypto.hash.Sha256;
import org.blindmatch.crypto.pki.NodeIdentity;
import org.blindmatch.crypto.pki.Role;

/**
 * The public parameters every participant of one DKG run must agree on: federation, key epoch,
 * session id, threshold t and the ordered keyholders (participant i holds share index i).
 * {@link #digest()} binds all of them; every signed DKG message names it, so a message of one
 * run is rejected by every other. Immutable.
 *
 * @param federation the federation every participant belongs to
 * @param epoch the key epoch being generated (positive)
 * @param sessionId chosen by the operators for this run, {@code [A-Za-z0-9_.-]{8,64}}; a rerun
 *     of the same epoch (after an abort) uses a new one
 * @param threshold t: shares needed to evaluate, 2 ≤ t ≤ n
 * @param participants the keyholders, share index i = position i-1; distinct names
 */
public record DkgSession(String federation, int epoch, String sessionId, int threshold,
    List<NodeIdentity> participants) {
  /** Largest number of participants. */
  public static final int MAX_PARTICIPANTS = 32;

  /** @throws IllegalArgumentException naming the parameter that is out of range */
  public DkgSession {
    participants = List.copyOf(participants);
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be positive, got " + epoch);
    }
    if (sessionId == null || !sessionId.matches("[A-Za-z0-9_.-]{8,64}")) {
      throw new IllegalArgumentException("session id must be 8 to 64 characters of "
          + "[A-Za-z0-9_.-]");
    }
    int n = participants.size();
    if (threshold < 2 || threshold > n || n > MAX_PARTICIPANTS) {
      throw new IllegalArgumentException("need 2 <= threshold <= keyholders <= "
          + MAX_PARTICIPANTS + ", got " + threshold + " of " + n);
    }
    HashSet<String> names = new HashSet<>();
    for (NodeIdentity p : participants) {
      if (p.role() != Role.KEYHOLDER || !p.federation().equals(federation)) {
        throw new IllegalArgumentException(p + " is not a keyholder of federation "
            + federation);
      }
      if (!names.add(p.name())) {
        throw new IllegalArgumentException(p.name() + " is named twice; each keyholder "
            + "holds one share");
      }
    }
  }

  /** n, the number of participants. */
  public int size() {
    return participants.size();
  }

  /** The participant holding share {@code index} (1-based). */
  public NodeIdentity participant(int index) {
    return participants.get(index - 1);
  }

  /** The share index of {@code identity}, or -1 if it does not take part. */
  public int indexOf(NodeIdentity identity) {
    int i = participants.indexOf(identity);
    return i < 0 ? -1 : i + 1;
  }

  /**
   * SHA-256 over {@code "blindmatch/v1/dkg-session" ‖ 0x00 ‖ federation ‖ epoch ‖ session id ‖
   * t ‖ n ‖ participant URIs} (strings as u16 length ‖ UTF-8, integers big-endian u32).
   */
  public byte[] digest() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBytes("blindmatch/v1/dkg-session");
      out.writeByte(0);
      out.writeUTF(federation);
      out.writeInt(epoch);
      out.writeUTF(sessionId);
      out.writeInt(threshold);
      out.writeInt(participants.size());
      for (NodeIdentity p : participants) {
        out.writeUTF(p.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Sha256.digest(bytes.toByteArray());
  }
}
