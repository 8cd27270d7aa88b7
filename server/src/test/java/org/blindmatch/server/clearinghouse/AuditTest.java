package org.blindmatch.server.clearinghouse;

import static org.blindmatch.server.clearinghouse.DomainFixture.PLATFORM;
import static org.blindmatch.server.clearinghouse.DomainFixture.records;
import static org.blindmatch.server.clearinghouse.SubmissionsTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import org.blindmatch.core.claims.TreeHeads;
import java.util.List;
import java.util.OptionalLong;
import org.blindmatch.core.claims.Checkpoint;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.VerifierKey;
import org.blindmatch.crypto.sign.NoteKey;
import org.blindmatch.proto.v1.TreeHead;
import java.nio.file.Path;
import org.blindmatch.server.clearinghouse.ClearinghouseException.Code;
import org.blindmatch.server.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTest {
  private static final String ORIGIN = Checkpoints.origin(DomainFixture.CH.federation());
  @TempDir Path dir;
  private DomainFixture f;
  private Audit audit;
  private final byte[] recs = records(5, 1);

  @BeforeEach
  void open() throws Exception {
    f = new DomainFixture(dir);
    audit = new Audit(f.ch);
    f.submit(PLATFORM, "s1", recs); // logs the member, then the receipt
  }

  @AfterEach
  void close() throws StoreException {
    f.close();
  }

  @Test
  void servesHeadsProofsAndEntriesWithinTheTree() throws Exception {
    long size = TreeHeads.verify(f.signer.publicKeysetJson(), audit.signedTreeHead())
        .getTreeSize();
    assertEquals(f.ch.log().size(), size);
    assertEquals(size, audit.entries(0, 100).getEntriesCount());
    assertEquals(size - 1, audit.inclusionProof(size - 1, size).getIndex());
    audit.consistencyProof(1, size);

    assertRefused(Code.INVALID_ARGUMENT, "sizes must satisfy 0 <= first <= second",
        () -> audit.consistencyProof(2, 1));
    assertRefused(Code.OUT_OF_RANGE, "second " + (size + 1) + " is beyond the current tree "
        + "size " + size, () -> audit.consistencyProof(1, size + 1));
    assertRefused(Code.INVALID_ARGUMENT, "index and tree size must satisfy 0 <= index < "
        + "tree_size", () -> audit.inclusionProof(size, size));
    assertRefused(Code.INVALID_ARGUMENT, "range must satisfy 0 <= start <= end",
        () -> audit.entries(-1, 2)); // a uint64 above 2^63 - 1
    assertRefused(Code.OUT_OF_RANGE, "start " + (size + 1) + " is beyond",
        () -> audit.entries(size + 1, size + 2));
  }

  @Test
  void servesCheckpointsUnderTheKeyTheHeadNames() throws Exception {
    TreeHead head = TreeHeads.verify(f.signer.publicKeysetJson(), audit.signedTreeHead());
    VerifierKey logKey = VerifierKey.parse(head.getCheckpointKey(), VerifierKey.Type.ED25519);
    assertEquals(Checkpoints.logKey(ORIGIN, f.checkpointKey), logKey);
    SignedNote note = SignedNote.parse(audit.checkpoint(OptionalLong.empty()).getNote());
    Checkpoint cp = Checkpoints.verify(note, logKey, ORIGIN);
    assertEquals(head.getTreeSize(), cp.size());
    assertArrayEquals(head.getRootHash().toByteArray(), cp.rootHash());
    Checkpoint first = Checkpoints.verify(SignedNote.parse(
        audit.checkpoint(OptionalLong.of(1)).getNote()), logKey, ORIGIN);
    assertEquals(1, first.size());
    // Deterministic: one size, one note.
    assertEquals(audit.checkpoint(OptionalLong.of(1)).getNote(),
        audit.checkpoint(OptionalLong.of(1)).getNote());
    assertRefused(Code.OUT_OF_RANGE, "beyond the current tree size",
        () -> audit.checkpoint(OptionalLong.of(head.getTreeSize() + 1)));
  }

  @Test
  void keepsOnlyCosignaturesThatVerifyOverItsOwnCheckpoint() throws Exception {
    long size = f.ch.log().size();
    NoteKey w = NoteKey.of(NoteKey.generate());
    VerifierKey wKey = Checkpoints.witnessKey("auditor.example/w", w);
    SignedNote note = SignedNote.parse(audit.checkpoint(OptionalLong.of(size)).getNote());
    String line = Checkpoints.cosign(note, wKey.name(), w, 1000).line();
    assertEquals(1, audit.addCosignature(size, wKey.format(), line));
    assertEquals(1, audit.addCosignature(size, wKey.format(), line)); // one per witness
    SignedNote served = SignedNote.parse(audit.checkpoint(OptionalLong.empty()).getNote());
    assertEquals(1, Checkpoints.cosignatures(served, List.of(wKey)).size());

    // Replayed onto another size, claimed by another key, malformed, not a cosigner key.
    assertRefused(Code.INVALID_ARGUMENT, "does not verify over this checkpoint",
        () -> audit.addCosignature(size - 1, wKey.format(), line));
    NoteKey other = NoteKey.of(NoteKey.generate());
    VerifierKey impostor = Checkpoints.witnessKey("auditor.example/w", other);
    assertRefused(Code.INVALID_ARGUMENT, "not one signature of auditor.example/w",
        () -> audit.addCosignature(size, impostor.format(), line));
    assertRefused(Code.INVALID_ARGUMENT, "malformed signed note",
        () -> audit.addCosignature(size, wKey.format(), "garbage\n"));
    assertRefused(Code.INVALID_ARGUMENT, "cosigner key (type 0x04)", () -> audit.addCosignature(
        size, Checkpoints.logKey(ORIGIN, f.checkpointKey).format(), line));
    assertRefused(Code.OUT_OF_RANGE, "beyond",
        () -> audit.addCosignature(size + 1, wKey.format(), line));
  }

  @Test
  void replaysCommittedRecords() throws Exception {
    try (InputStream in = audit.submissionRecords(PLATFORM.uri().toString(), "s1")) {
      assertArrayEquals(recs, in.readAllBytes());
    }
    assertRefused(Code.NOT_FOUND, "no committed submission s2 of " + PLATFORM.uri(),
        () -> audit.submissionRecords(PLATFORM.uri().toString(), "s2"));
    assertRefused(Code.INVALID_ARGUMENT, "submission id must match",
        () -> audit.submissionRecords(PLATFORM.uri().toString(), "../x"));
  }

  @Test
  void saysWhenRecordsWerePurged() throws Exception {
    f.store.purgeExpired(DomainFixture.NOW.plusSeconds(2 * 86_400));
    assertRefused(Code.FAILED_PRECONDITION, "the token data of submission s1 of "
        + PLATFORM.uri() + " was purged at",
        () -> audit.submissionRecords(PLATFORM.uri().toString(), "s1"));
  }
}
