package org.blindmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.blindmatch.testing.TestTimeout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk is a failure of the world: one line naming the file and what to do, exit 1, and
 * nothing half-written left behind. The disk is a 128 KiB tmpfs mounted for the test (needs
 * the right to mount, which the CI machine's root has; elsewhere the test is skipped).
 */
class DiskFullTest {

  @Test
  void tokenizeOntoAFullDiskNamesTheFileAndLeavesNothing(@TempDir Path dir) throws Exception {
    Path full = Files.createDirectory(dir.resolve("full"));
    int rc = run("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", full.toString());
    Assumptions.assumeTrue(rc == 0, "cannot mount a small tmpfs here");
    try {
      StringBuilder csv = new StringBuilder("record_id,ip,timestamp\n");
      for (int i = 0; i < 20_000; i++) {
        csv.append("R-").append(i).append(",45.").append(1 + i % 200).append('.')
            .append(i / 200 % 256).append('.').append(1 + i % 254)
            .append(",2026-03-0").append(1 + i % 9).append("T10:00:00Z\n");
      }
      Path input = Cli.write(dir.resolve("r.csv"), csv.toString());
      Path pass = Cli.passphraseFile(dir);
      Path keyset = Cli.newKeyset(dir, "keys.json");
      Cli.Result r = Cli.run("tokenize", "--reports", input.toString(), "--scope",
          Cli.example("scope.yaml").toString(), "--keyset", keyset.toString(),
          "--passphrase-file", pass.toString(), "--out", full.resolve("r.bmt").toString(),
          "--no-progress");
      assertEquals(1, r.status(), r::all);
      String line = r.err().strip();
      assertEquals(1, line.lines().count(), line);
      assertTrue(line.matches("blindmatch: " + java.util.regex.Pattern.quote(full.toString())
          + "/r\\.bmt[^:]*: cannot write: No space left on device: the disk is full: free "
          + "space or write elsewhere"), line);
      try (var files = Files.list(full)) {
        assertEquals(0, files.count(), "nothing half-written is left on the full disk");
      }
      assertFalse(line.contains("internal error"), line);
    } finally {
      run("umount", full.toString());
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    if (!p.waitFor(TestTimeout.seconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
