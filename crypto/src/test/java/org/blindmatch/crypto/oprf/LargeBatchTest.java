package org.blindmatch.crypto.oprf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batched proofs over batches large enough for the bucket method, with the selected backend. */
class LargeBatchTest {
  /** A batch large enough for the bucket method, through the public client and server API. */
  @Test
  void largeBatchProofsVerifyAndBindEveryElement() throws Exception {
    Suite suite = Suite.VOPRF_P256_SHA256;
    SecureRandom random = seeded(11);
    OprfServer server = new OprfServer(suite, KeyPair.generate(random));
    OprfClient client = new OprfClient(suite);
    List<byte[]> inputs = new ArrayList<>();
    List<Blinded> blinded = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // Repeat some inputs: identical blinded elements may appear only with identical blinds,
      // which a client never sends, but repeated inputs under fresh blinds must work.
      inputs.add(("198.51.100." + (i % 250)).getBytes(StandardCharsets.US_ASCII));
      blinded.add(client.blind(inputs.get(i), random));
    }
    List<Element> sent = blinded.stream().map(Blinded::blindedElement).toList();
    BlindEvaluation evaluation = server.blindEvaluateBatch(sent, random);
    List<byte[]> outputs =
        client.finalizeBatch(inputs, blinded, evaluation, server.publicKey());
    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(server.evaluate(inputs.get(i)), outputs.get(i), "input " + i);
    }
    List<Element> swapped = new ArrayList<>(evaluation.evaluatedElements());
    swapped.set(17, evaluation.evaluatedElements().get(18));
    swapped.set(18, evaluation.evaluatedElements().get(17));
    BlindEvaluation tampered = new BlindEvaluation(swapped, evaluation.proof());
    assertThrows(OprfException.class,
        () -> client.finalizeBatch(inputs, blinded, tampered, server.publicKey()));
  }


  /** Blinding a batch in one call gives outputs equal to the key's direct evaluation. */
  @Test
  void batchBlindingFinalizesToTheDirectEvaluation() throws Exception {
    Suite suite = Suite.VOPRF_P256_SHA256;
    SecureRandom random = seeded(12);
    OprfServer server = new OprfServer(suite, KeyPair.generate(random));
    OprfClient client = new OprfClient(suite);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      inputs.add(("203.0.113." + i).getBytes(StandardCharsets.US_ASCII));
    }
    List<Blinded> blinded = client.blindAll(inputs, random);
    assertEquals(50, blinded.stream().map(Blinded::blind).distinct().count());
    BlindEvaluation evaluation = server.blindEvaluateBatch(
        blinded.stream().map(Blinded::blindedElement).toList(), random);
    List<byte[]> outputs = client.finalizeBatch(inputs, blinded, evaluation, server.publicKey());
    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(server.evaluate(inputs.get(i)), outputs.get(i), "input " + i);
    }
  }

  private static SecureRandom seeded(long seed) throws NoSuchAlgorithmException {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return random;
  }
}
