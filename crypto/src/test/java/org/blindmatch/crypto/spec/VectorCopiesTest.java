package org.blindmatch.crypto.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test resources hold verbatim copies of the published vectors in
 * {@code ../shared/vectors}; where that directory exists (CI has it beside the clone), the
 * copies must be byte-identical to it.
 */
class VectorCopiesTest {
  @ParameterizedTest
  @ValueSource(strings = {"rfc9162-merkle.json", "rfc9497-p256-sha256.json"})
  void copyEqualsTheSharedOriginal(String name) throws Exception {
    Path root = Path.of(System.getProperty("blindmatch.repo.root", "..")).toAbsolutePath();
    Path original = root.resolve("../shared/vectors").resolve(name).normalize();
    assumeTrue(Files.isRegularFile(original), "no ../shared/vectors beside this checkout");
    Path copy = Path.of(VectorCopiesTest.class.getResource("/vectors/" + name).toURI());
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy), name);
  }
}
