package org.blindmatch.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.core.claims.Checkpoint;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.VerifierKey;
import org.blindmatch.crypto.merkle.MerkleHash;
import org.blindmatch.crypto.merkle.MerkleTree;
import org.blindmatch.crypto.sign.NoteKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A witness never cosigns two roots of one size, and a party requiring that witness refuses
 * the head it did not cosign: the split-view attack, with a log that shows two parties two
 * different trees of the same size, both signed with its checkpoint key.
 */
class WitnessTest {
  static final String ORIGIN = Checkpoints.origin("sea");
  NoteKey logKey;
  NoteKey witnessKey;
  VerifierKey logV;
  VerifierKey witnessV;
  MerkleTree common;

  @BeforeEach
  void keys() throws Exception {
    logKey = NoteKey.of(NoteKey.generate());
    witnessKey = NoteKey.of(NoteKey.generate());
    logV = Checkpoints.logKey(ORIGIN, logKey);
    witnessV = Checkpoints.witnessKey("auditor.example/w1", witnessKey);
    common = tree("a", "b", "c");
  }

  static MerkleTree tree(String... entries) {
    MerkleTree t = new MerkleTree();
    for (String e : entries) {
      t.append(MerkleHash.leafHash(e.getBytes(StandardCharsets.UTF_8)));
    }
    return t;
  }

  static Checkpoint at(MerkleTree t) {
    return new Checkpoint(ORIGIN, t.size(), t.root());
  }

  private Witness.Proofs proofsOf(MerkleTree t) {
    return (first, second) -> t.consistencyProof(first, second);
  }

  @Test
  void splitViewIsRefusedByTheWitnessAndByPartiesRequiringIt(@TempDir Path dir)
      throws Exception {
    MerkleTree forA = tree("a", "b", "c", "shown-to-alice");
    MerkleTree forB = tree("a", "b", "c", "shown-to-bob");
    Checkpoint a = at(forA);
    Checkpoint b = at(forB);
    assertEquals(a.size(), b.size());

    // The witness saw size 3, then cosigns Alice's head of size 4.
    Checkpoint seen = at(common);
    Witness.check(seen, a, proofsOf(forA));
    SignedNote noteA = Checkpoints.sign(a, logKey);
    SignedNote cosignedA = noteA.with(List.of(
        Checkpoints.cosign(noteA, witnessV.name(), witnessKey, 1_700_000_000L)));

    // Shown Bob's head of the same size afterwards, it refuses, naming both roots.
    AuditException refused = assertThrows(AuditException.class,
        () -> Witness.check(a, b, proofsOf(forB)));
    assertTrue(refused.getMessage().contains("SPLIT VIEW"), refused.getMessage());
    assertTrue(refused.getMessage().contains(a.rootHex())
        && refused.getMessage().contains(b.rootHex()), refused.getMessage());

    Path list = dir.resolve("witnesses");
    Files.writeString(list, "# our witness\n" + witnessV.format() + "\n");
    WitnessPolicy policy = WitnessPolicy.load(list, 1);
    // Alice, requiring the witness, accepts her head.
    assertEquals(1, policy.require(SignedNote.parse(cosignedA.format()), logV, ORIGIN, a)
        .size());
    // Bob is shown his head, validly signed by the log, but without the witness: refused.
    SignedNote noteB = Checkpoints.sign(b, logKey);
    AuditException bob = assertThrows(AuditException.class,
        () -> policy.require(noteB, logV, ORIGIN, b));
    assertTrue(bob.getMessage().contains("carries 0 valid cosignatures"), bob.getMessage());
    // Nor does the witness's cosignature of Alice's head, copied onto Bob's, pass.
    SignedNote grafted = noteB.with(List.of(cosignedA.signatures().get(1)));
    AuditException graft = assertThrows(AuditException.class,
        () -> policy.require(grafted, logV, ORIGIN, b));
    assertTrue(graft.getMessage().contains("does not verify over this checkpoint"),
        graft.getMessage());
    // And Alice's cosigned note is not Bob's head.
    assertThrows(AuditException.class, () -> policy.require(cosignedA, logV, ORIGIN, b));
  }

  @Test
  void theWitnessRefusesRollbackInconsistencyAndAnotherLog() throws Exception {
    Checkpoint three = at(common);
    MerkleTree rewritten = tree("a", "x", "c", "d");
    assertThrows(AuditException.class,
        () -> Witness.check(three, at(rewritten), proofsOf(rewritten)));
    MerkleTree grown = tree("a", "b", "c", "d");
    Witness.check(three, at(grown), proofsOf(grown));
    Witness.check(three, three, proofsOf(common));
    AuditException back = assertThrows(AuditException.class,
        () -> Witness.check(at(grown), three, proofsOf(common)));
    assertTrue(back.getMessage().contains("smaller"), back.getMessage());
    Checkpoint foreign = new Checkpoint(Checkpoints.origin("eu"), 4, grown.root());
    assertThrows(AuditException.class, () -> Witness.check(three, foreign, proofsOf(grown)));
  }

  @Test
  void witnessListsAreReadStrictly(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("w");
    Files.writeString(list, witnessV.format() + "\nnot-a-key\n");
    InputException e = assertThrows(InputException.class, () -> WitnessPolicy.load(list, 1));
    assertTrue(e.getMessage().contains(list + " line 2"), e.getMessage());
    Files.writeString(list, logV.format() + "\n");
    e = assertThrows(InputException.class, () -> WitnessPolicy.load(list, 1));
    assertTrue(e.getMessage().contains("cosigner key (type 0x04)"), e.getMessage());
    Files.writeString(list, witnessV.format() + "\n" + witnessV.format() + "\n");
    e = assertThrows(InputException.class, () -> WitnessPolicy.load(list, 1));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    Files.writeString(list, witnessV.format() + "\n");
    e = assertThrows(InputException.class, () -> WitnessPolicy.load(list, 2));
    assertTrue(e.getMessage().contains("--min 2"), e.getMessage());
    Files.writeString(list, "# nothing\n");
    assertThrows(InputException.class, () -> WitnessPolicy.load(list, 1));
    assertThrows(InputException.class, () -> WitnessPolicy.load(dir.resolve("absent"), 1));
  }

  @Test
  void stateIsKeptAndAWitnessIsNeverReplaced(@TempDir Path dir) throws Exception {
    char[] pass = "correct horse battery staple".toCharArray();
    Path w = dir.resolve("w");
    VerifierKey v = Witness.init(w, "auditor.example/w1", pass);
    assertEquals(v, Witness.key(w, pass));
    assertThrows(AuditException.class, () -> Witness.init(w, "auditor.example/w1", pass));
    assertThrows(AuditException.class, () -> Witness.init(dir.resolve("x"), "bad name", pass));
    assertThrows(AuditException.class, () -> Witness.key(w, "wrong passphrase!!".toCharArray()));
    assertEquals(null, Witness.load(w).last());
    Files.writeString(w.resolve(Witness.STATE_FILE), "garbage\n");
    assertThrows(AuditException.class, () -> Witness.load(w));
  }
}
