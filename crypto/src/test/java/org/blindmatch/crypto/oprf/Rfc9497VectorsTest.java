package org.blindmatch.crypto.oprf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reproduces {@code /vectors/rfc9497-p256-sha256.json} (RFC 9497 Appendix A.3.1) byte for byte. */
class Rfc9497VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static JsonNode vectors;
  private static byte[] seed;
  private static byte[] keyInfo;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Rfc9497VectorsTest.class.getResourceAsStream(
        "/vectors/rfc9497-p256-sha256.json")) {
      if (in == null) {
        throw new AssertionError("RFC 9497 vectors missing from the test resources");
      }
      vectors = new ObjectMapper().readTree(in);
    }
    assertEquals(Suite.IDENTIFIER, vectors.get("suite").asText());
    seed = hex(vectors.get("seed"));
    keyInfo = hex(vectors.get("keyInfo"));
  }

  @Test
  void contextStrings() {
    assertArrayEquals(
        "OPRFV1-\u0000-P256-SHA256".getBytes(StandardCharsets.US_ASCII),
        Suite.OPRF_P256_SHA256.contextString());
    assertArrayEquals(
        "OPRFV1-\u0001-P256-SHA256".getBytes(StandardCharsets.US_ASCII),
        Suite.VOPRF_P256_SHA256.contextString());
  }

  @Test
  void oprfKeyDerivation() throws Exception {
    KeyPair keys = KeyPair.derive(Suite.OPRF_P256_SHA256, seed, keyInfo);
    assertArrayEquals(hex(mode("OPRF").get("skSm")), Scalars.encode(keys.secretKey()));
  }

  @Test
  void oprfSingleElements() throws Exception {
    Suite suite = Suite.OPRF_P256_SHA256;
    OprfServer server = new OprfServer(suite, KeyPair.derive(suite, seed, keyInfo));
    OprfClient client = new OprfClient(suite);
    for (JsonNode v : mode("OPRF").get("vectors")) {
      byte[] input = hex(v.get("Input"));
      Blinded blinded = client.blind(input, scalar(v.get("Blind")));
      assertArrayEquals(hex(v.get("BlindedElement")), blinded.blindedElement().encode());
      Element evaluated = server.blindEvaluate(
          Element.decode(hex(v.get("BlindedElement"))));
      assertArrayEquals(hex(v.get("EvaluationElement")), evaluated.encode());
      byte[] output = client.finalizeOutput(input, blinded, evaluated);
      assertArrayEquals(hex(v.get("Output")), output);
      assertArrayEquals(hex(v.get("Output")), server.evaluate(input));
    }
  }

  @Test
  void voprfKeyDerivation() throws Exception {
    KeyPair keys = KeyPair.derive(Suite.VOPRF_P256_SHA256, seed, keyInfo);
    assertArrayEquals(hex(mode("VOPRF").get("skSm")), Scalars.encode(keys.secretKey()));
    assertArrayEquals(hex(mode("VOPRF").get("pkSm")), keys.publicKey().encode());
  }

  @Test
  void voprfSingleElements() throws Exception {
    Suite suite = Suite.VOPRF_P256_SHA256;
    OprfServer server = new OprfServer(suite, KeyPair.derive(suite, seed, keyInfo));
    OprfClient client = new OprfClient(suite);
    Element pk = Element.decode(hex(mode("VOPRF").get("pkSm")));
    for (JsonNode v : mode("VOPRF").get("vectors")) {
      byte[] input = hex(v.get("Input"));
      Blinded blinded = client.blind(input, scalar(v.get("Blind")));
      assertArrayEquals(hex(v.get("BlindedElement")), blinded.blindedElement().encode());
      BlindEvaluation evaluation = server.blindEvaluateBatch(
          List.of(blinded.blindedElement()), scalar(v.get("ProofR")));
      Element evaluated = evaluation.evaluatedElements().get(0);
      assertArrayEquals(hex(v.get("EvaluationElement")), evaluated.encode());
      assertArrayEquals(hex(v.get("Proof")), evaluation.proof().encode());
      byte[] output = client.finalizeOutput(
          input, blinded, Element.decode(hex(v.get("EvaluationElement"))),
          Proof.decode(hex(v.get("Proof"))), pk);
      assertArrayEquals(hex(v.get("Output")), output);
      assertArrayEquals(hex(v.get("Output")), server.evaluate(input));
    }
  }

  @Test
  void voprfBatchOfTwoWithOneProof() throws Exception {
    Suite suite = Suite.VOPRF_P256_SHA256;
    OprfServer server = new OprfServer(suite, KeyPair.derive(suite, seed, keyInfo));
    OprfClient client = new OprfClient(suite);
    JsonNode batch = mode("VOPRF").get("batch");
    List<byte[]> inputs = hexList(batch.get("Inputs"));
    List<Blinded> blinded = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      blinded.add(client.blind(inputs.get(i), scalar(batch.get("Blinds").get(i))));
      assertArrayEquals(
          hex(batch.get("BlindedElements").get(i)), blinded.get(i).blindedElement().encode());
    }
    BlindEvaluation evaluation = server.blindEvaluateBatch(
        blinded.stream().map(Blinded::blindedElement).toList(), scalar(batch.get("ProofR")));
    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(hex(batch.get("EvaluationElements").get(i)),
          evaluation.evaluatedElements().get(i).encode());
    }
    assertArrayEquals(hex(batch.get("Proof")), evaluation.proof().encode());

    BlindEvaluation received = new BlindEvaluation(
        List.of(Element.decode(hex(batch.get("EvaluationElements").get(0))),
            Element.decode(hex(batch.get("EvaluationElements").get(1)))),
        Proof.decode(hex(batch.get("Proof"))));
    List<byte[]> outputs = client.finalizeBatch(
        inputs, blinded, received, Element.decode(hex(mode("VOPRF").get("pkSm"))));
    for (int i = 0; i < inputs.size(); i++) {
      assertArrayEquals(hex(batch.get("Outputs").get(i)), outputs.get(i));
    }
  }

  static JsonNode mode(String name) {
    return vectors.get("modes").get(name);
  }

  static byte[] hex(JsonNode node) {
    return HEX.parseHex(node.asText());
  }

  static BigInteger scalar(JsonNode node) {
    return new BigInteger(1, hex(node));
  }

  static List<byte[]> hexList(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(n -> out.add(hex(n)));
    return out;
  }
}
