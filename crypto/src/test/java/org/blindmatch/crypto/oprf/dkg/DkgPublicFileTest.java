package org.blindmatch.crypto.oprf.dkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.blindmatch.crypto.oprf.OprfException;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.sign.NodeSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DKG public file: every holder's signature is verified on read, and named when bad. */
class DkgPublicFileTest {

  private static Path written(Path dir) throws Exception {
    DkgSession s = DkgParticipantTest.session(2, 3);
    List<DkgResult> rs = DkgParticipantTest.results(
        DkgParticipantTest.run(s, Set.of(), (r, a, b, body) -> body), Set.of(1, 2, 3));
    OprfKeyFiles.EpochPublicKey key = rs.get(0).epochPublicKey();
    Map<Integer, DkgPublicFile.Confirmation> c = new TreeMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeSigner signer = NodeSigner.of(NodeSigner.generate());
      c.put(i, new DkgPublicFile.Confirmation(i, signer.publicKeysetJson(),
          signer.sign(DkgPublicFile.confirmationPayload(s, i, key))));
    }
    Path file = dir.resolve("pub.json");
    DkgPublicFile.write(file, key, new DkgPublicFile.Attestation(s, c), false);
    return file;
  }

  @Test
  void roundTripsAndVerifies(@TempDir Path dir) throws Exception {
    Path file = written(dir);
    DkgPublicFile.Read read = DkgPublicFile.read(file);
    assertEquals(3, read.attestation().orElseThrow().confirmations().size());
    assertEquals(read.key().groupKey(), OprfKeyFiles.readPublic(file).groupKey(),
        "the plain reader reads the same key");
  }

  private static String tampered(Path file, java.util.function.Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(Files.readAllBytes(file));
    change.accept(root);
    Files.write(file, new ObjectMapper().writeValueAsBytes(root));
    return assertThrows(OprfException.class, () -> DkgPublicFile.read(file)).getMessage();
  }

  @Test
  void aBadSignatureIsNamed(@TempDir Path dir) throws Exception {
    Path file = written(dir);
    String m = tampered(file, root -> {
      ObjectNode c = (ObjectNode) root.path("dkg").path("confirmations").get(1);
      String sig = c.path("signature").asText();
      c.put("signature", sig.substring(0, sig.length() - 2)
          + (sig.endsWith("00") ? "01" : "00"));
    });
    assertTrue(m.contains("holder 2") && m.contains("does not verify"), m);
  }

  @Test
  void aMissingConfirmationIsNamed(@TempDir Path dir) throws Exception {
    Path file = written(dir);
    String m = tampered(file, root ->
        ((ArrayNode) root.path("dkg").path("confirmations")).remove(2));
    assertTrue(m.contains("holder 3") && m.contains("did not sign"), m);
  }

  @Test
  void aSignatureOfAnotherSessionDoesNotVerify(@TempDir Path dir) throws Exception {
    Path file = written(dir);
    String m = tampered(file, root ->
        ((ObjectNode) root.path("dkg")).put("session_id", "another-session"));
    assertTrue(m.contains("does not verify"), m);
  }

  @Test
  void aSwappedHolderIsRefused(@TempDir Path dir) throws Exception {
    Path file = written(dir);
    String m = tampered(file, root -> {
      ArrayNode p = (ArrayNode) root.path("dkg").path("participants");
      p.set(0, p.get(1).deepCopy());
      p.set(1, new com.fasterxml.jackson.databind.node.TextNode(
          "blindmatch://fed/keyholder/kh1"));
    });
    assertTrue(m.contains("is not participant 1"), m);
  }
}
