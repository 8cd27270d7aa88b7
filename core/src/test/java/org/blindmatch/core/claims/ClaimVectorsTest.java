package org.blindmatch.core.claims;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.blindmatch.crypto.sign.NodeSigner;
import org.junit.jupiter.api.Test;

/**
 * The signing-context vectors of docs/PROTOCOL.md §7.1: for each claim kind, the signing input
 * is exactly {@code context ‖ 0x00 ‖ message}, the published signature verifies as that kind
 * under the published test key, and as no other kind. ECDSA signatures are randomized, so the
 * block is checked, not regenerated; {@link #main} prints a fresh one when a context changes.
 */
class ClaimVectorsTest {
  static final String BEGIN = "<!-- claim-vectors:begin -->\n";
  static final String END = "<!-- claim-vectors:end -->";
  private static final HexFormat HEX = HexFormat.of();

  record Vector(ClaimKind kind, byte[] message, byte[] signingInput, byte[] signature) {}

  @Test
  void publishedVectorsVerifyAsTheirKindOnly() throws Exception {
    String block = block();
    String keyset = field(block, "public keyset");
    NodeSigner.Verifier v = NodeSigner.verifier(keyset);
    List<Vector> vectors = parse(block);
    assertEquals(ClaimKind.values().length, vectors.size(), "one vector per kind");
    for (Vector vec : vectors) {
      assertArrayEquals(vec.signingInput(), vec.kind().signingInput(vec.message()),
          vec.kind() + ": signing input");
      vec.kind().verify(v, vec.message(), vec.signature(), vec.kind().name());
      for (ClaimKind other : ClaimKind.values()) {
        if (other != vec.kind()) {
          assertThrows(ClaimVerificationException.class,
              () -> other.verify(v, vec.message(), vec.signature(), other.name()),
              vec.kind() + " as " + other);
        }
      }
    }
  }

  static String block() throws Exception {
    Path root = Path.of(System.getProperty("blindmatch.repo.root", "..")).toAbsolutePath();
    String text = Files.readString(root.resolve("docs/PROTOCOL.md"), StandardCharsets.UTF_8);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    if (b < 0 || e < b) {
      throw new AssertionError("docs/PROTOCOL.md has no " + BEGIN.trim() + " block");
    }
    return text.substring(b + BEGIN.length(), e);
  }

  private static String field(String block, String name) {
    for (String line : block.split("\n")) {
      String l = line.strip();
      if (l.startsWith(name + ": ")) {
        return l.substring(name.length() + 2).strip();
      }
    }
    throw new AssertionError("no '" + name + ":' line in the vector block");
  }

  private static List<Vector> parse(String block) {
    List<Vector> out = new ArrayList<>();
    for (String part : block.split("\n(?=kind: )")) {
      if (!part.strip().startsWith("kind: ")) {
        continue;
      }
      ClaimKind kind = null;
      for (ClaimKind k : ClaimKind.values()) {
        if (k.context().equals(field(part, "kind"))) {
          kind = k;
        }
      }
      if (kind == null) {
        throw new AssertionError("unknown context " + field(part, "kind"));
      }
      out.add(new Vector(kind, HEX.parseHex(field(part, "message")),
          HEX.parseHex(field(part, "signing input")), HEX.parseHex(field(part, "signature"))));
    }
    return out;
  }

  /** Prints a fresh vector block (new test key, new signatures) for docs/PROTOCOL.md. */
  public static void main(String[] args) throws Exception {
    NodeSigner key = NodeSigner.of(NodeSigner.generate());
    StringBuilder s = new StringBuilder(BEGIN).append("```\n");
    s.append("public keyset: ").append(key.publicKeysetJson().replaceAll("\\s+", ""))
        .append('\n');
    for (Map.Entry<ClaimKind, ClaimsTest.Signed> e
        : ClaimsTest.signedByEachKind(key).entrySet()) {
      byte[] m = e.getValue().message();
      s.append('\n').append("kind: ").append(e.getKey().context()).append('\n')
          .append("message: ").append(HEX.formatHex(m)).append('\n')
          .append("signing input: ").append(HEX.formatHex(e.getKey().signingInput(m)))
          .append('\n')
          .append("signature: ").append(HEX.formatHex(e.getValue().signature())).append('\n');
    }
    System.out.print(s.append("```\n").append(END).append('\n'));
  }
}
