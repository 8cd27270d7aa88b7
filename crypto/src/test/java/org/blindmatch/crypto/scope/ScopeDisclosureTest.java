package org.blindmatch.crypto.scope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scope's {@code disclosure} keys: parsing, defaults, and their place in the digest. */
class ScopeDisclosureTest {
  private static final String BASE = """
      scope: s
      tiers:
        - {name: ip+hour, bucket_width: 1h}
      """;

  private static Scope parse(String extra) throws ScopeException {
    return ScopeLoader.parse(BASE + extra, "scope.yaml", false);
  }

  @Test
  void aScopeWithoutDisclosureGetsTheDefaultsAndKeepsItsDigest() throws Exception {
    Scope plain = parse("");
    assertEquals(Disclosure.DEFAULT, plain.disclosure());
    assertEquals(new Disclosure(3, 2, Optional.empty()), plain.disclosure());
    Scope explicit = parse("disclosure: {min_records: 3, min_submitters: 2}\n");
    assertArrayEquals(plain.digest(), explicit.digest(), "the defaults written out");
    assertArrayEquals(plain.digest(), new Scope("s", plain.tiers()).digest());
  }

  @Test
  void everyDisclosureKeyEntersTheDigest() throws Exception {
    byte[][] digests = {
        parse("").digest(),
        parse("disclosure: {min_records: 4}\n").digest(),
        parse("disclosure: {min_submitters: 3}\n").digest(),
        parse("disclosure: {dp: {epsilon_per_run: 0.5, epsilon_budget: 2}}\n").digest(),
        parse("disclosure: {dp: {epsilon_per_run: 0.25, epsilon_budget: 2}}\n").digest(),
        parse("disclosure: {dp: {epsilon_per_run: 0.5, epsilon_budget: 2.5}}\n").digest()};
    for (int i = 0; i < digests.length; i++) {
      for (int j = i + 1; j < digests.length; j++) {
        assertFalse(Arrays.equals(digests[i], digests[j]), i + " and " + j);
      }
    }
  }

  @Test
  void dpIsReadInMillionths() throws Exception {
    Scope s = parse("disclosure:\n  min_records: 5\n  min_submitters: 3\n  dp:\n"
        + "    epsilon_per_run: 0.125\n    epsilon_budget: \"2\"\n    mechanism: geometric\n");
    assertEquals(new Disclosure(5, 3, Optional.of(new Disclosure.Dp(125_000, 2_000_000,
        Disclosure.Mechanism.GEOMETRIC))), s.disclosure());
    assertEquals("0.125", Disclosure.formatEpsilon(125_000));
    assertEquals("2", Disclosure.formatEpsilon(2_000_000));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "disclosure: {min_records: 0}|disclosure.min_records: 0 is not in 1..1000000",
      "disclosure: {min_submitters: 1001}|disclosure.min_submitters: 1001 is not in 1..1000",
      "disclosure: {min_record: 3}|disclosure.min_record: unknown key",
      "disclosure: 3|disclosure: expected a mapping",
      "disclosure: {dp: {epsilon_budget: 1}}|disclosure.dp.epsilon_per_run: missing",
      "disclosure: {dp: {epsilon_per_run: -1, epsilon_budget: 1}}|is not in (0, 1000]",
      "disclosure: {dp: {epsilon_per_run: 0.0000001, epsilon_budget: 1}}|more than 6 decimal",
      "disclosure: {dp: {epsilon_per_run: x, epsilon_budget: 1}}|\"x\" is not a number",
      "disclosure: {dp: {epsilon_per_run: 2, epsilon_budget: 1}}|epsilon_budget: must be at "
          + "least epsilon_per_run",
      "disclosure: {dp: {epsilon_per_run: 1, epsilon_budget: 1, mechanism: laplace}}|"
          + "mechanism: \"laplace\" is not a mechanism"})
  void badDisclosureKeysAreNamed(String yaml, String message) {
    ScopeException e = assertThrows(ScopeException.class, () -> parse(yaml + "\n"));
    assertTrue(e.getMessage().startsWith("scope.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
