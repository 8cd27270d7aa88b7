package org.blindmatch.crypto.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdentityTest {

  @Test
  void formatsAndParsesBack() {
    NodeIdentity id = new NodeIdentity("demo-fed", Role.CLEARINGHOUSE, "ch-1.eu");
    assertEquals("blindmatch://demo-fed/clearinghouse/ch-1.eu", id.toString());
    assertEquals(URI.create("blindmatch://demo-fed/clearinghouse/ch-1.eu"), id.uri());
    assertEquals("blindmatch", id.uri().getScheme());
    assertEquals(id, NodeIdentity.fromUri(id.toString()));
  }

  @Test
  void acceptsBoundaryLengths() {
    String max = "a" + "_".repeat(62);
    NodeIdentity id = NodeIdentity.fromUri("blindmatch://0/auditor/" + max);
    assertEquals("0", id.federation());
    assertEquals(Role.AUDITOR, id.role());
    assertEquals(max, id.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "blindmatch:",
      "blindmatch://",
      "blindmatch://fed",
      "blindmatch://fed/ngo",
      "blindmatch://fed/ngo/",
      "blindmatch:///ngo/n1",
      "blindmatch://fed//n1",
      "blindmatch://fed/ngo/n1/",
      "blindmatch://fed/ngo/n1/extra",
      "blindmatch://fed/ca",
      "blindmatch://fed/NGO/n1",
      "blindmatch://Fed/ngo/n1",
      "blindmatch://fed/ngo/N1",
      "BLINDMATCH://fed/ngo/n1",
      "Blindmatch://fed/ngo/n1",
      "https://fed/ngo/n1",
      "blindmatch:fed/ngo/n1",
      "blindmatch:/fed/ngo/n1",
      "blindmatch://fed/donor/n1",
      "blindmatch://user@fed/ngo/n1",
      "blindmatch://fed:443/ngo/n1",
      "blindmatch://fed/ngo/n1?x=1",
      "blindmatch://fed/ngo/n1#f",
      "blindmatch://fed/ngo/n%31",
      "blindmatch://fed/./ngo/n1",
      "blindmatch://fed/ngo/..",
      "blindmatch://fed/ngo/.n1",
      "blindmatch://fed/ngo/-n1",
      "blindmatch://fed/ngo/n 1",
      " blindmatch://fed/ngo/n1",
      "blindmatch://fed/ngo/n1 ",
      "blindmatch://fed/ngo/n1\n",
      "blindmatch://fed/ngo/n\u00e9",
  })
  void rejectsAnythingButTheExactForm(String uri) {
    assertThrows(IllegalArgumentException.class, () -> NodeIdentity.fromUri(uri));
  }

  @Test
  void rejectsNullAndTooLongNames() {
    assertThrows(IllegalArgumentException.class, () -> NodeIdentity.fromUri(null));
    assertThrows(IllegalArgumentException.class,
        () -> NodeIdentity.fromUri("blindmatch://fed/ngo/" + "a".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("fed", Role.NGO, ""));
    assertThrows(NullPointerException.class, () -> new NodeIdentity("fed", null, "n"));
  }

  @Test
  void errorMessageQuotesTruncatedInputAndEscapesControls() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NodeIdentity.fromUri("blindmatch://fed/ngo/\u0007" + "x".repeat(500)));
    assertTrue(e.getMessage().contains("\\u0007"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, e.getMessage());
  }

  @Test
  void roleIdsAndParse() {
    assertEquals("clearinghouse", Role.CLEARINGHOUSE.id());
    for (Role r : Role.values()) {
      assertEquals(r, Role.parse(r.id()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Role.parse("Platform"));
    assertEquals("unknown role \"Platform\" (valid: platform, ngo, clearinghouse, keyholder, "
        + "auditor)", e.getMessage());
  }
}
