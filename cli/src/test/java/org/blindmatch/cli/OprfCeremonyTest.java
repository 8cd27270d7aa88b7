package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.oprf.Blinded;
import org.blindmatch.crypto.oprf.CombinedEvaluation;
import org.blindmatch.crypto.oprf.Element;
import org.blindmatch.crypto.oprf.OprfClient;
import org.blindmatch.crypto.oprf.OprfKeyFiles;
import org.blindmatch.crypto.oprf.OprfServer;
import org.blindmatch.crypto.oprf.ShareEvaluation;
import org.blindmatch.crypto.oprf.Suite;
import org.blindmatch.crypto.oprf.ThresholdCombiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blindmatch oprf ceremony}: shares are encrypted per keyholder, the public file is
 * consistent, and any two of three shares evaluate like one key under the group public key.
 */
class OprfCeremonyTest {
  @Test
  void anyTwoOfThreeSharesEvaluateAsOneKey(@TempDir Path dir) throws Exception {
    Path pass = dir.resolve("passphrases");
    Files.writeString(pass, "first keyholder pass\nsecond keyholder pass\nthird keyholder pass\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(new String[] {"oprf", "ceremony", "--threshold", "2",
        "--keyholders", "3", "--epoch", "1", "--out", dir.resolve("epoch1").toString(),
        "--passphrases", pass.toString(), "--holders", "blindmatch://test/keyholder/kh-a,blindmatch://test/keyholder/kh-b,blindmatch://test/keyholder/kh-c"},
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, status, err::toString);
    OprfKeyFiles.EpochPublicKey pub = OprfKeyFiles.readPublic(
        dir.resolve("epoch1/oprf-public.epoch-1.json"));
    assertEquals(2, pub.shares().threshold());
    assertEquals(2, pub.shareOf(org.blindmatch.crypto.pki.NodeIdentity.fromUri(
        "blindmatch://test/keyholder/kh-b")));
    String[] phrases = Files.readString(pass).split("\n");
    List<OprfKeyFiles.EpochShare> shares = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path f = dir.resolve("epoch1/keyholder-" + i + ".epoch-1.share");
      assertFalse(Files.readString(f).contains("\"share\""), "share files are encrypted");
      shares.add(OprfKeyFiles.readShare(f, phrases[i - 1].toCharArray()));
    }
    byte[] input = "blindmatch test input".getBytes();
    SecureRandom random = new SecureRandom();
    byte[] first = null;
    for (int[] pair : new int[][] {{0, 1}, {1, 2}, {0, 2}}) {
      OprfClient client = new OprfClient(Suite.VOPRF_P256_SHA256);
      Blinded b = client.blind(input, random);
      List<Element> blinded = List.of(b.blindedElement());
      List<ShareEvaluation> evals = new ArrayList<>();
      for (int i : pair) {
        OprfKeyFiles.EpochShare s = shares.get(i);
        evals.add(new ShareEvaluation(s.share().index(),
            new OprfServer(Suite.VOPRF_P256_SHA256, s.share().keyPair())
                .blindEvaluateBatch(blinded, random)));
      }
      CombinedEvaluation c = ThresholdCombiner.combine(evals, blinded, pub.shares());
      byte[] output = client.finalizeCombined(List.of(input), List.of(b), c).get(0);
      if (first == null) {
        first = output;
      } else {
        assertArrayEquals(first, output, "every pair of keyholders gives the same output");
      }
    }
    // A wrong passphrase is a clear error, not a stack trace.
    StringWriter e2 = new StringWriter();
    status = BlindmatchCli.execute(new String[] {"oprf", "ceremony", "--threshold", "4",
        "--keyholders", "3", "--epoch", "1", "--out", dir.toString(), "--passphrases",
        pass.toString(), "--holders", "blindmatch://test/keyholder/kh-a,blindmatch://test/keyholder/kh-b,blindmatch://test/keyholder/kh-c"},
        new PrintWriter(new StringWriter()), new PrintWriter(e2));
    assertEquals(1, status);
    assertTrue(e2.toString().contains("--threshold"), e2.toString());
    // Two shares for one holder name defeat the threshold: refused.
    StringWriter e3 = new StringWriter();
    status = BlindmatchCli.execute(new String[] {"oprf", "ceremony", "--threshold", "2",
        "--keyholders", "3", "--epoch", "2", "--out", dir.resolve("epoch2").toString(),
        "--passphrases", pass.toString(), "--holders", "blindmatch://test/keyholder/kh-a,"
            + "blindmatch://test/keyholder/kh-a,blindmatch://test/keyholder/kh-c"},
        new PrintWriter(new StringWriter()), new PrintWriter(e3));
    assertEquals(1, status);
    assertTrue(e3.toString().contains("kh-a is named as the holder of two shares"),
        e3.toString());
    assertFalse(Files.exists(dir.resolve("epoch2/oprf-public.epoch-2.json")));
  }
}
