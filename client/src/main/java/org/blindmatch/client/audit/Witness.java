package org.blindmatch.client.audit;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.FederationException;
import org.blindmatch.core.claims.Checkpoint;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.LogPositions;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.TreeHeads;
import org.blindmatch.core.claims.VerifierKey;
import org.blindmatch.crypto.io.AtomicOutput;
import org.blindmatch.crypto.keys.EncryptedKeysetFile;
import org.blindmatch.crypto.keys.KeysetException;
import org.blindmatch.crypto.keys.PassphraseKdf;
import org.blindmatch.crypto.merkle.MerkleProofException;
import org.blindmatch.crypto.merkle.MerkleVerifier;
import org.blindmatch.crypto.sign.NoteKey;
import org.blindmatch.proto.v1.AddCosignatureRequest;
import org.blindmatch.proto.v1.GetCheckpointRequest;
import org.blindmatch.proto.v1.GetConsistencyProofRequest;
import org.blindmatch.proto.v1.GetSignedTreeHeadRequest;
import org.blindmatch.proto.v1.SignedTreeHead;
import org.blindmatch.proto.v1.TreeHead;

/**
 * An auditor acting as a log witness (c2sp.org/tlog-cosignature, docs/PROTOCOL.md §11): it
 * fetches the clearinghouse's current head and checkpoint, checks the checkpoint is consistent
 * with the last one it cosigned (a consistency proof), cosigns it with its Ed25519 key and
 * hands the cosignature to the clearinghouse, which serves it with the checkpoint. It never
 * cosigns a checkpoint that is not an extension of its last one, and so never two different
 * roots of one size: that is what makes a split view (two parties shown different heads)
 * detectable by anyone requiring its cosignature ({@link WitnessPolicy}).
 *
 * <p>Its state directory holds the cosigning key ({@value #KEY_FILE}, encrypted under the
 * profile passphrase) and the last cosigned checkpoint ({@value #STATE_FILE}), replaced
 * atomically, and written before the cosignature leaves the witness. Not thread-safe: one run
 * per state directory at a time.
 */
public final class Witness {
  /** The encrypted cosigning keyset in the state directory. */
  public static final String KEY_FILE = "witness-key.json";
  /** The last cosigned checkpoint in the state directory. */
  public static final String STATE_FILE = "witness-state";
  private static final String MAGIC = "blindmatch-witness-state 1";

  private Witness() {}

  /** A witness's kept state: its name and the last checkpoint it cosigned (or null). */
  record State(String name, Checkpoint last) {}

  /**
   * What a witness run did.
   *
   * @param witness the witness's vkey
   * @param previous the checkpoint cosigned before (null on the first run)
   * @param cosigned the checkpoint cosigned now
   * @param held how many witnesses' cosignatures the clearinghouse now holds for it
   */
  public record Result(VerifierKey witness, Checkpoint previous, Checkpoint cosigned,
      int held) {}

  /**
   * Creates a witness in {@code dir}: a fresh Ed25519 key encrypted under {@code passphrase},
   * and an empty state. Never overwrites an existing witness.
   *
   * @param name the witness's key name, a schema-less URL such as {@code auditor.example/w1}
   * @return the vkey to hand to the parties that will require this witness
   * @throws AuditException if the name is not a valid key name or {@code dir} already holds a
   *     witness
   */
  public static VerifierKey init(Path dir, String name, char[] passphrase)
      throws AuditException, IOException {
    try {
      SignedNote.checkName(name, "--name");
    } catch (ClaimVerificationException e) {
      throw new AuditException(e.getMessage());
    }
    if (Files.exists(dir.resolve(KEY_FILE)) || Files.exists(dir.resolve(STATE_FILE))) {
      throw new AuditException(dir + " already holds a witness (" + KEY_FILE + "); refusing "
          + "to replace its key — a new key is a new witness that verifiers must list");
    }
    Files.createDirectories(dir);
    NoteKey key;
    try {
      key = NoteKey.of(NoteKey.generate());
      EncryptedKeysetFile.write(dir.resolve(KEY_FILE), key.keyset(), NoteKey.WITNESS_PURPOSE,
          passphrase, PassphraseKdf.withRandomSalt(), false);
    } catch (GeneralSecurityException | KeysetException e) {
      throw new AuditException("cannot create the witness key: " + e.getMessage());
    }
    save(dir, new State(name, null));
    return Checkpoints.witnessKey(name, key);
  }

  /** The vkey of the witness in {@code dir}. */
  public static VerifierKey key(Path dir, char[] passphrase) throws AuditException {
    State s = load(dir);
    return Checkpoints.witnessKey(s.name(), loadKey(dir, passphrase));
  }

  /**
   * Witnesses the clearinghouse's current head once.
   *
   * @throws AuditException if the head or checkpoint does not verify, the checkpoint is not
   *     consistent with the last cosigned one (naming both), or a call fails
   */
  public static Result run(FederationClient client, Path dir, char[] passphrase, Clock clock)
      throws AuditException, FederationException {
    State state = load(dir);
    NoteKey key = loadKey(dir, passphrase);
    VerifierKey me = Checkpoints.witnessKey(state.name(), key);
    String origin = Checkpoints.origin(client.identity().federation());
    try {
      SignedTreeHead signed =
          client.audit().getSignedTreeHead(GetSignedTreeHeadRequest.getDefaultInstance());
      TreeHead head;
      try {
        head = TreeHeads.verify(client.publishedScope().getClearinghousePublicKeyset(), signed);
      } catch (ClaimVerificationException e) {
        throw new AuditException("the current tree head does not verify against the "
            + "clearinghouse's pinned log key");
      }
      VerifierKey logKey = checkpointKey(head);
      SignedNote note;
      Checkpoint cp;
      try {
        note = SignedNote.parse(client.audit().getCheckpoint(GetCheckpointRequest.newBuilder()
            .setTreeSize(head.getTreeSize()).build()).getNote());
        cp = Checkpoints.verify(note, logKey, origin);
      } catch (ClaimVerificationException e) {
        throw new AuditException("the clearinghouse's checkpoint: " + e.getMessage());
      }
      if (!cp.sameAs(checkpointOf(head, origin))) {
        throw new AuditException("the checkpoint (size " + cp.size() + ", root "
            + cp.rootHex() + ") is not the signed tree head (size " + head.getTreeSize()
            + ", root " + checkpointOf(head, origin).rootHex() + ") of the same log");
      }
      check(state.last(), cp, (first, second) -> LogPositions.hashes(
          client.audit().getConsistencyProof(GetConsistencyProofRequest.newBuilder()
              .setFirst(first).setSecond(second).build()).getHashesList()));
      SignedNote bare = new SignedNote(note.text(), List.of());
      SignedNote.Signature line;
      try {
        line = Checkpoints.cosign(bare, state.name(), key, clock.instant().getEpochSecond());
      } catch (GeneralSecurityException e) {
        throw new AuditException("cannot cosign with the witness key: " + e.getMessage());
      }
      // Kept before the cosignature leaves: a crash after this never lets the witness cosign
      // a conflicting head later.
      try {
        save(dir, new State(state.name(), cp));
      } catch (IOException e) {
        throw new AuditException(dir.resolve(STATE_FILE) + ": cannot save the witness state "
            + "(nothing was cosigned): " + e.getMessage());
      }
      int held = client.audit().addCosignature(AddCosignatureRequest.newBuilder()
          .setTreeSize(cp.size()).setWitnessKey(me.format()).setCosignature(line.line())
          .build()).getCosignatures();
      return new Result(me, state.last(), cp, held);
    } catch (StatusRuntimeException e) {
      throw new AuditException("witnessing failed: " + FederationClient.describe(e));
    }
  }

  /** Fetches the consistency proof between two sizes. */
  @FunctionalInterface
  interface Proofs {
    List<byte[]> between(long first, long second) throws AuditException;
  }

  /**
   * Whether a witness whose last cosigned checkpoint is {@code last} may cosign
   * {@code proposed}: same origin, not smaller, the same root at the same size, and
   * consistent (proved) when larger.
   *
   * @throws AuditException naming both checkpoints otherwise
   */
  static void check(Checkpoint last, Checkpoint proposed, Proofs proofs) throws AuditException {
    if (last == null) {
      return;
    }
    String both = " (cosigned: size " + last.size() + ", root " + last.rootHex() + "; shown: "
        + "size " + proposed.size() + ", root " + proposed.rootHex() + ")";
    if (!last.origin().equals(proposed.origin())) {
      throw new AuditException("the checkpoint is of log " + proposed.origin() + ", this "
          + "witness witnesses " + last.origin());
    }
    if (proposed.size() < last.size()) {
      throw new AuditException("refusing to cosign: the log is smaller than the checkpoint "
          + "this witness last cosigned (rolled back, or a different view)" + both);
    }
    if (proposed.size() == last.size()) {
      if (!proposed.sameAs(last)) {
        throw new AuditException("refusing to cosign: SPLIT VIEW — a different root of the "
            + "same size as the checkpoint this witness already cosigned" + both
            + "; keep this message as evidence and alert the federation");
      }
      return;
    }
    try {
      MerkleVerifier.verifyConsistency(last.size(), proposed.size(), last.rootHash(),
          proposed.rootHash(), proofs.between(last.size(), proposed.size()));
    } catch (MerkleProofException e) {
      throw new AuditException("refusing to cosign: the checkpoint is not consistent with "
          + "the one this witness last cosigned" + both + ": " + e.getMessage());
    }
  }

  /** The checkpoint key a verified head names. */
  static VerifierKey checkpointKey(TreeHead head) throws AuditException {
    if (head.getCheckpointKey().isEmpty()) {
      throw new AuditException("the clearinghouse's tree head names no checkpoint key: the "
          + "head was sealed by a version without checkpoints; witnesses can cosign from the "
          + "next log entry on");
    }
    try {
      return VerifierKey.parse(head.getCheckpointKey(), VerifierKey.Type.ED25519);
    } catch (ClaimVerificationException e) {
      throw new AuditException("the tree head's checkpoint key: " + e.getMessage());
    }
  }

  /** The checkpoint a verified head stands for. */
  static Checkpoint checkpointOf(TreeHead head, String origin) {
    return new Checkpoint(origin, head.getTreeSize(), head.getRootHash().toByteArray());
  }

  private static NoteKey loadKey(Path dir, char[] passphrase) throws AuditException {
    try {
      return NoteKey.of(EncryptedKeysetFile.read(dir.resolve(KEY_FILE),
          NoteKey.WITNESS_PURPOSE, passphrase));
    } catch (KeysetException e) {
      throw new AuditException(e.getMessage()
          + (Files.exists(dir.resolve(KEY_FILE)) ? "" : " (create it with 'audit witness "
              + "--init')"));
    } catch (GeneralSecurityException e) {
      throw new AuditException(dir.resolve(KEY_FILE) + ": not a witness key: "
          + e.getMessage());
    }
  }

  static State load(Path dir) throws AuditException {
    Path file = dir.resolve(STATE_FILE);
    if (!Files.exists(file)) {
      throw new AuditException(dir + ": no witness here (create one with 'audit witness "
          + "--init --name NAME --state " + dir + "')");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuditException(file + ": cannot read: " + e.getMessage());
    }
    if (lines.size() < 2 || !lines.get(0).equals(MAGIC) || !lines.get(1).startsWith("name ")
        || (lines.size() != 2 && lines.size() != 6)) {
      throw new AuditException(file + ": not a witness state file (expected '" + MAGIC
          + "', a name line and optionally the last checkpoint)");
    }
    String name = lines.get(1).substring(5);
    if (lines.size() == 2) {
      return new State(name, null);
    }
    if (!lines.get(2).equals("last-cosigned")) {
      throw new AuditException(file + " line 3: expected 'last-cosigned'");
    }
    try {
      return new State(name, Checkpoint.parse(String.join("\n", lines.subList(3, 6)) + "\n"));
    } catch (ClaimVerificationException e) {
      throw new AuditException(file + " lines 4-6: " + e.getMessage());
    }
  }

  private static void save(Path dir, State s) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(dir.resolve(STATE_FILE), true)) {
      Writer w = new java.io.OutputStreamWriter(out.stream(), StandardCharsets.UTF_8);
      w.write(MAGIC + "\nname " + s.name() + "\n");
      if (s.last() != null) {
        w.write("last-cosigned\n" + s.last().body());
      }
      w.flush();
      out.commit();
    }
  }
}
