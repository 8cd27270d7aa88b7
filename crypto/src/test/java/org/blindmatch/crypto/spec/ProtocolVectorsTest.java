package org.blindmatch.crypto.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md §6 must be exactly what the code computes. To rewrite the section after an
 * intended change: {@code mvn -pl crypto test -Dtest=ProtocolVectorsTest
 * -Dblindmatch.vectors.write=true}, then review the diff.
 */
class ProtocolVectorsTest {
  static final String BEGIN = "<!-- vectors:begin -->\n";
  static final String END = "<!-- vectors:end -->";

  @Test
  void documentedVectorsMatchTheCode() throws Exception {
    Path root = Path.of(System.getProperty("blindmatch.repo.root", "..")).toAbsolutePath();
    Path doc = root.resolve("docs/PROTOCOL.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "vector markers missing in " + doc);
    String documented = text.substring(begin + BEGIN.length(), end);
    String generated = ProtocolVectors.generate(root);
    if (Boolean.getBoolean("blindmatch.vectors.write")) {
      Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + generated
          + text.substring(end), StandardCharsets.UTF_8);
      return;
    }
    assertEquals(generated, documented, "docs/PROTOCOL.md §6 disagrees with the code; "
        + "if the change is intended, regenerate with -Dblindmatch.vectors.write=true");
  }
}
