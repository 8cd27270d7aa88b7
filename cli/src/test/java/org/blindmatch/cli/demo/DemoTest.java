package org.blindmatch.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.blindmatch.cli.BlindmatchCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blindmatch demo} end to end: the clearinghouse as a separate process with mutual
 * TLS, every role as its own client, and every result checked against the plaintext
 * reference join (IP+time matches, IP-only matches, boundary cases and near misses).
 */
class DemoTest {
  @Test
  void demoResultsEqualThePlaintextReferenceJoin(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(new String[] {"demo", "--dir", dir.toString()},
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> out + "\n" + err);
    assertTrue(out.toString().contains("DEMO OK"), out::toString);
    assertTrue(out.toString().contains("label aggregates at k=3"), out::toString);
    assertTrue(Files.readString(dir.resolve("platform-a-results.csv"))
        .startsWith("record_id,tier,label,events\n"));
    assertTrue(Files.readString(dir.resolve("ngo-watch-results.csv"))
        .startsWith("label,tier,matched_records,submitters\n"));
    String log = Files.readString(dir.resolve("clearinghouse.log"));
    assertTrue(log.contains("listening on port"), log);
  }

  @Test
  void oprfDemoWithThreeKeyholdersEqualsThePlaintextReferenceJoin(@TempDir Path dir)
      throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(new String[] {"demo", "--mode", "oprf", "--events",
        "3000", "--dir", dir.toString()}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, () -> out + "\n" + err);
    assertTrue(out.toString().contains("DEMO OK"), out::toString);
    assertTrue(out.toString().contains("keyholder-3 stopped"), out::toString);
    assertTrue(out.toString().contains("oprf distributed key generation"), out::toString);
    assertTrue(org.blindmatch.crypto.oprf.dkg.DkgPublicFile.read(
        dir.resolve("epoch-1/oprf-public.epoch-1.json")).attestation().isPresent(),
        "the epoch comes from the DKG, signed by every keyholder");
    for (int i = 1; i <= 3; i++) {
      String log = Files.readString(dir.resolve("keyholder-" + i + ".log"));
      assertTrue(log.contains("listening on port"), log);
    }
  }
}
