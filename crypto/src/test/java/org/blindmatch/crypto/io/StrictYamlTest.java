package org.blindmatch.crypto.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictYamlTest {
  @TempDir Path dir;

  private static String refused(String text, boolean json) {
    return assertThrows(YamlException.class, () -> StrictYaml.parse(text, "f.yaml", json))
        .getMessage();
  }

  @Test
  void readsMappingsListsAndScalarsAsJackson() throws Exception {
    JsonNode n = StrictYaml.parse("a: 1\nb: [x, 2.5, true, null]\nc: {d: 9999999999}\n",
        "f", false);
    assertEquals(1, n.get("a").asInt());
    assertEquals("x", n.get("b").get(0).asText());
    assertEquals(2.5, n.get("b").get(1).asDouble());
    assertTrue(n.get("b").get(2).asBoolean());
    assertTrue(n.get("b").get(3).isNull());
    assertEquals(9_999_999_999L, n.get("c").get("d").asLong());
    assertTrue(n.get("c").get("d").isIntegralNumber());
    assertNull(StrictYaml.parse("", "f", false));
  }

  @Test
  void duplicateTopLevelKeyNamesLineAndKey() {
    assertEquals("f.yaml: line 3: scope: duplicate key (first on line 1); each key may appear "
        + "once", refused("scope: a\ntiers: []\nscope: b\n", false));
  }

  @Test
  void duplicateNestedKeyNamesThePath() {
    String m = refused("scope: a\ntiers:\n  - name: x\n    bucket_width: 1h\n"
        + "    name: y\n", false);
    assertEquals("f.yaml: line 5: tiers[0].name: duplicate key (first on line 3); each key may "
        + "appear once", m);
    assertTrue(refused("tls: {ca: a, ca: b}\n", false).contains("tls.ca: duplicate key"));
  }

  @Test
  void duplicateKeyInJson() {
    assertTrue(refused("{\"a\": 1,\n \"a\": 2}", true)
        .startsWith("f.yaml: line 2: a: duplicate key (first on line 1)"));
  }

  @Test
  void aliasesAnchorsAndSecondDocumentsAreRefused() {
    assertTrue(refused("a: &x [1, 2]\nb: *x\n", false).contains("anchors"));
    assertTrue(refused("a: 1\n---\nb: 2\n", false).contains("second document"));
    assertTrue(refused("{\"a\": 1} {\"b\": 2}", true).contains("second value"));
  }

  @Test
  void nestingIsBounded() {
    String deep = "a: " + "[".repeat(40) + "]".repeat(40) + "\n";
    String m = refused(deep, false);
    assertTrue(m.startsWith("f.yaml: line 1: "), m);
    assertTrue(m.contains("deeper than") || m.contains("nesting depth"), m);
  }

  @Test
  void malformedYamlQuotesNoLaterLines() {
    String m = refused("a: [1, 2\nsecret_value_on_next_line: 3\n", false);
    assertTrue(m.startsWith("f.yaml: line "), m);
    assertTrue(!m.contains("\n"), m);
  }

  @Test
  void overSizeFileIsRefusedBeforeParsing() throws IOException {
    Path big = dir.resolve("scope.yaml");
    Files.writeString(big, "scope: \"" + "a".repeat(20 << 20) + "\"\n");
    String m = assertThrows(YamlException.class, () -> StrictYaml.read(big, "scope file"))
        .getMessage();
    assertEquals(big + ": " + Files.size(big) + " bytes is larger than the 1048576 bytes "
        + "(1 MiB) such a file may have; refused before parsing", m);
  }

  @Test
  void fileAtTheCapIsRead() throws Exception {
    Path f = dir.resolve("c.yaml");
    String head = "a: ";
    Files.writeString(f, head + "b".repeat(StrictYaml.MAX_BYTES - head.length()));
    assertEquals(StrictYaml.MAX_BYTES - head.length(),
        StrictYaml.read(f, "config file").get("a").asText().length());
  }

  @Test
  void missingAndNonUtf8Files() throws IOException {
    Path f = dir.resolve("p.yaml");
    assertEquals(f + ": no such profile",
        assertThrows(YamlException.class, () -> StrictYaml.read(f, "profile")).getMessage());
    Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xC3, 0x28});
    assertEquals(f + ": not UTF-8 text",
        assertThrows(YamlException.class, () -> StrictYaml.read(f, "profile")).getMessage());
  }

  @Test
  void jsonFileByName() throws Exception {
    Path f = dir.resolve("s.json");
    Files.writeString(f, "{\"a\": [1]}");
    assertEquals(1, StrictYaml.read(f, "scope file").get("a").get(0).asInt());
  }

  @Test
  void oddKeysAreExcerptedInPaths() {
    String key = "k\n" + "x".repeat(5000);
    String k = "\"" + key.replace("\n", "\\n") + "\"";
    String m = refused("{" + k + ": 1, " + k + ": 2}", true);
    assertTrue(m.length() < 200, m);
    assertTrue(m.contains("\"k\\u000Axxx"), m);
  }
}
