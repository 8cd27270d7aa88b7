package org.blindmatch.core.claims;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.blindmatch.crypto.sign.NoteKey;
import org.junit.jupiter.api.Test;

/**
 * C2SP signed notes, checkpoints and cosignatures, against the published examples of
 * c2sp.org/signed-note, c2sp.org/tlog-cosignature and golang.org/x/mod/sumdb/note's tests.
 */
class CheckpointsTest {
  // golang.org/x/mod/sumdb/note note_test.go: TestSign.
  static final String GO_SKEY_MATERIAL = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
      + "then you don't know what your problem is.\n";
  static final String GO_SIGNED = GO_TEXT + "\n"
      + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  static final String ORIGIN = Checkpoints.origin("sea");

  /** A Tink note key from a Go-format private key's 32-byte seed. */
  static NoteKey fromSeed(byte[] seed) throws Exception {
    byte[] pub = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed).getPublicKey();
    Ed25519PrivateKey key = Ed25519PrivateKey.create(Ed25519PublicKey.create(Bytes.copyFrom(pub)),
        SecretBytes.copyFrom(seed, InsecureSecretKeyAccess.get()));
    return NoteKey.of(KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary()).build());
  }

  static NoteKey goKey() throws Exception {
    byte[] material = Base64.getDecoder().decode(GO_SKEY_MATERIAL);
    assertEquals(0x01, material[0]);
    return fromSeed(Arrays.copyOfRange(material, 1, 33));
  }

  @Test
  void signsTheGoSumdbVectorByteForByte() throws Exception {
    NoteKey key = goKey();
    VerifierKey vkey = new VerifierKey("PeterNeumann", VerifierKey.Type.ED25519, key.publicKey());
    assertEquals(GO_VKEY, vkey.format());
    assertEquals(0xc74f20a3, vkey.keyId());
    SignedNote note = new SignedNote(GO_TEXT, List.of(new SignedNote.Signature("PeterNeumann",
        vkey.keyId(), key.sign(GO_TEXT.getBytes(StandardCharsets.UTF_8)))));
    assertEquals(GO_SIGNED, note.format());
    assertEquals(GO_SIGNED, SignedNote.parse(GO_SIGNED).format());
  }

  @Test
  void verifiesTheSignedNoteSpecExample() throws Exception {
    VerifierKey vkey = VerifierKey.parse(
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        VerifierKey.Type.ED25519);
    SignedNote note = SignedNote.parse("This is an example message.\n\n— example.com/foo "
        + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72"
        + "IneyaQM=\n");
    SignedNote.Signature sig = note.signatures().get(0);
    assertTrue(vkey.signed(sig));
    NoteKey.verify(vkey.publicKey(), note.text().getBytes(StandardCharsets.UTF_8),
        sig.signature());
  }

  @Test
  void readsTheCosignatureSpecExampleLayout() throws Exception {
    // c2sp.org/tlog-cosignature: key id ‖ u64 timestamp ‖ Ed25519 signature, time 1679315147.
    SignedNote note = SignedNote.parse("example.com/behind-the-sofa\n20852163\n"
        + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
        + "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7"
        + "u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        + "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9d"
        + "lrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");
    SignedNote.Signature cosig = note.signatures().get(1);
    assertEquals(72, cosig.signature().length);
    assertEquals(1679315147L, ByteBuffer.wrap(cosig.signature()).getLong());
    Checkpoint cp = Checkpoint.parse(note.text());
    assertEquals(20852163L, cp.size());
    assertEquals("example.com/behind-the-sofa", cp.origin());
    assertEquals("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        new String(Checkpoints.cosignedMessage(note.text(), 1679315147L),
            StandardCharsets.UTF_8));
  }

  static Checkpoint checkpoint(long size, int seed) {
    byte[] root = new byte[32];
    Arrays.fill(root, (byte) seed);
    return new Checkpoint(ORIGIN, size, root);
  }

  @Test
  void checkpointsAndCosignaturesRoundTrip() throws Exception {
    NoteKey log = NoteKey.of(NoteKey.generate());
    NoteKey w = NoteKey.of(NoteKey.generate());
    VerifierKey logV = Checkpoints.logKey(ORIGIN, log);
    VerifierKey wV = VerifierKey.parse(Checkpoints.witnessKey("w1.example/a", w).format(),
        VerifierKey.Type.COSIGNATURE_V1);
    SignedNote note = Checkpoints.sign(checkpoint(7, 1), log);
    SignedNote cosigned = note.with(List.of(Checkpoints.cosign(note, "w1.example/a", w, 1700)));
    SignedNote parsed = SignedNote.parse(cosigned.format());
    assertTrue(Checkpoints.verify(parsed, logV, ORIGIN).sameAs(checkpoint(7, 1)));
    List<Checkpoints.Cosignature> found = Checkpoints.cosignatures(parsed, List.of(wV));
    assertEquals(1, found.size());
    assertEquals(1700, found.get(0).time());
    assertEquals(0, Checkpoints.cosignatures(note, List.of(wV)).size());
  }

  @Test
  void refusesMalformedNotes() {
    String sig = GO_SIGNED.substring(GO_TEXT.length() + 1);
    for (String bad : List.of(GO_TEXT, GO_TEXT + "\n", GO_TEXT + "\n" + sig.strip(),
        "\u0001" + GO_TEXT + "\n" + sig, GO_TEXT + "\n" + sig.replace("PeterNeumann", "Bad Name"),
        GO_TEXT + "\n" + sig + "Unexpected line.\n", GO_TEXT + "\n" + sig.replace("x08go", "x08g!"),
        GO_TEXT + "\n— PeterNeumann AAAA\n", GO_TEXT + "\n— Peter+Neumann x08go/ZJ=\n")) {
      assertThrows(ClaimVerificationException.class, () -> SignedNote.parse(bad), bad);
    }
    byte[] invalidUtf8 = (GO_TEXT + "\n" + sig).getBytes(StandardCharsets.UTF_8);
    invalidUtf8[0] = (byte) 0xff;
    assertThrows(ClaimVerificationException.class, () -> SignedNote.parse(invalidUtf8));
    StringBuilder many = new StringBuilder(GO_TEXT).append('\n');
    for (int i = 0; i <= SignedNote.MAX_SIGNATURES; i++) {
      many.append(sig);
    }
    assertThrows(ClaimVerificationException.class, () -> SignedNote.parse(many.toString()));
  }

  @Test
  void refusesMalformedCheckpointBodies() {
    for (String bad : List.of("o\n1\n", "o\n01\nAAAA\n", "\n1\n" + b64root() + "\n",
        "o\n1\n" + b64root() + "\next\n", "o\n-1\n" + b64root() + "\n",
        "o\n99999999999999999999\n" + b64root() + "\n", "o\n1\nAAAA\n", "o\n1\n" + b64root())) {
      assertThrows(ClaimVerificationException.class, () -> Checkpoint.parse(bad), bad);
    }
  }

  static String b64root() {
    return Base64.getEncoder().encodeToString(new byte[32]);
  }

  @Test
  void refusesMalformedVerifierKeys() throws Exception {
    for (String bad : List.of("PeterNeumann+c74f20a3", "PeterNeumann+C74F20A3+"
        + GO_VKEY.split("\\+")[2], "PeterNeumann+c74f20a4+" + GO_VKEY.split("\\+")[2],
        "Peter Neumann+c74f20a3+" + GO_VKEY.split("\\+")[2], "PeterNeumann+c74f20a3+AAAA",
        "PeterNeumann+c74f20a3+!!")) {
      assertThrows(ClaimVerificationException.class,
          () -> VerifierKey.parse(bad, VerifierKey.Type.ED25519), bad);
    }
    // A note key is not a cosigner key and vice versa.
    assertThrows(ClaimVerificationException.class,
        () -> VerifierKey.parse(GO_VKEY, VerifierKey.Type.COSIGNATURE_V1));
  }

  @Test
  void refusesACheckpointOfAnotherSignerOrOrigin() throws Exception {
    NoteKey log = NoteKey.of(NoteKey.generate());
    NoteKey other = NoteKey.of(NoteKey.generate());
    SignedNote note = Checkpoints.sign(checkpoint(3, 2), log);
    // Wrong signer: a key the verifier does not know is ignored, so nothing signed it.
    assertThrows(ClaimVerificationException.class,
        () -> Checkpoints.verify(note, Checkpoints.logKey(ORIGIN, other), ORIGIN));
    // Another federation's log, signed with its own key under its own origin.
    Checkpoint foreign = new Checkpoint(Checkpoints.origin("eu"), 3, checkpoint(3, 2).rootHash());
    SignedNote foreignNote = Checkpoints.sign(foreign, log);
    ClaimVerificationException e = assertThrows(ClaimVerificationException.class,
        () -> Checkpoints.verify(foreignNote, Checkpoints.logKey(Checkpoints.origin("eu"), log),
            ORIGIN));
    assertTrue(e.getMessage().contains("another federation"), e.getMessage());
    // Same name and key id, altered text: the known key's signature must verify.
    SignedNote altered = new SignedNote(checkpoint(3, 9).body(), note.signatures());
    assertThrows(ClaimVerificationException.class,
        () -> Checkpoints.verify(altered, Checkpoints.logKey(ORIGIN, log), ORIGIN));
  }

  @Test
  void refusesReplayedOrForeignCosignatures() throws Exception {
    NoteKey log = NoteKey.of(NoteKey.generate());
    NoteKey w = NoteKey.of(NoteKey.generate());
    NoteKey stranger = NoteKey.of(NoteKey.generate());
    VerifierKey wV = Checkpoints.witnessKey("w1.example/a", w);
    SignedNote a = Checkpoints.sign(checkpoint(5, 1), log);
    SignedNote b = Checkpoints.sign(checkpoint(5, 2), log);
    SignedNote.Signature onA = Checkpoints.cosign(a, "w1.example/a", w, 10);
    // Replayed onto another checkpoint of the same size: refused, not ignored.
    ClaimVerificationException e = assertThrows(ClaimVerificationException.class,
        () -> Checkpoints.cosignatures(b.with(List.of(onA)), List.of(wV)));
    assertTrue(e.getMessage().contains("w1.example/a"), e.getMessage());
    // A cosignature by an unlisted key under the witness's name is ignored (another key id).
    SignedNote.Signature byStranger = Checkpoints.cosign(b, "w1.example/a", stranger, 10);
    assertEquals(0, Checkpoints.cosignatures(b.with(List.of(byStranger)), List.of(wV)).size());
    // The log key is not a cosigner key, and a cosignature is not a log signature.
    assertThrows(ClaimVerificationException.class, () -> Checkpoints.cosignatures(a,
        List.of(Checkpoints.logKey(ORIGIN, log))));
    // Truncated timestamped signature.
    byte[] raw = onA.signature();
    SignedNote.Signature truncated = new SignedNote.Signature(onA.name(), onA.keyId(),
        Arrays.copyOf(raw, 64));
    assertThrows(ClaimVerificationException.class,
        () -> Checkpoints.cosignatures(a.with(List.of(truncated)), List.of(wV)));
    // A timestamp altered after signing.
    byte[] later = raw.clone();
    later[7]++;
    assertThrows(ClaimVerificationException.class, () -> Checkpoints.cosignatures(
        a.with(List.of(new SignedNote.Signature(onA.name(), onA.keyId(), later))), List.of(wV)));
    List<SignedNote.Signature> two = new ArrayList<>(List.of(onA,
        Checkpoints.cosign(a, "w1.example/a", w, 20)));
    assertEquals(20, Checkpoints.cosignatures(a.with(two), List.of(wV)).get(0).time());
  }
}
