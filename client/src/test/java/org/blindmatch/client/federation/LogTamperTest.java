package org.blindmatch.client.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.blindmatch.client.cli.BlindmatchCli;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.clearinghouse.ClearinghouseServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with the clearinghouse's log on disk — bypassing its append-only triggers — is
 * caught when the server starts: every committed receipt must be logged byte for byte, so a
 * changed log entry makes the clearinghouse refuse to serve, naming the entry.
 */
class LogTamperTest {
  @Test
  void anEntryAlteredOnDiskIsRefusedAtStart(@TempDir Path dir) throws Exception {
    TestFederation fed = new TestFederation(dir, 1, false);
    Path platform = fed.node(Role.PLATFORM, "platform-a");
    Path ngo = fed.node(Role.NGO, "ngo");
    Path operator = fed.node(Role.CLEARINGHOUSE, "operator");
    Path auditor = fed.node(Role.AUDITOR, "auditor");
    Files.writeString(dir.resolve("a.csv"),
        "record_id,ip,timestamp\nA-1,45.77.12.9,2026-03-03T08:30:00Z\n");
    Files.writeString(dir.resolve("w.csv"),
        "label,ip,start,end\nBavet,45.77.12.9,2026-03-03T00:00:00Z,2026-03-03T23:59:59Z\n");
    String state = dir.resolve("auditor.sth").toString();
    ClearinghouseServer server = start(fed);
    try {
      for (String[] t : new String[][] {{"--reports", "a"}, {"--watchlist", "w"}}) {
        run(0, "tokenize", t[0], dir.resolve(t[1] + ".csv").toString(), "--scope",
            fed.scope.toString(), "--keyset", fed.keyset.toString(), "--passphrase-file",
            dir.resolve("passphrase.txt").toString(), "--out",
            dir.resolve(t[1] + ".bmt").toString(), "--no-progress");
      }
      run(0, "submit", "--profile", platform.toString(), "--tokens",
          dir.resolve("a.bmt").toString(), "--id", "a1");
      run(0, "submit", "--profile", ngo.toString(), "--tokens",
          dir.resolve("w.bmt").toString(), "--id", "w1");
      run(0, "match", "run", "--profile", operator.toString(), "--scope", "test-scope");
      run(0, "audit", "verify", "--profile", auditor.toString(), "--state", state);
    } finally {
      server.close();
    }
    byte[] before = Files.readAllBytes(Path.of(state));

    try (Connection db = DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve("data/meta.sqlite"))) {
      byte[] entry;
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT entry FROM log_entries WHERE idx = 0")) {
        assertTrue(r.next());
        entry = r.getBytes(1);
      }
      entry[entry.length - 1] ^= 1;
      try (Statement s = db.createStatement()) {
        s.execute("DROP TRIGGER log_entries_no_update");
      }
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE log_entries SET entry = ? WHERE idx = 0")) {
        p.setBytes(1, entry);
        assertEquals(1, p.executeUpdate());
      }
    }

    ClearinghouseConfig.ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(
        ClearinghouseConfig.ConfigException.class, () -> start(fed));
    assertTrue(refused.getMessage().contains("transparency log")
        && refused.getMessage().contains("receipt/"), refused.getMessage());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(Path.of(state))),
        "the auditor's last verified head is untouched");
  }

  private static ClearinghouseServer start(TestFederation fed) throws Exception {
    ClearinghouseServer server = ClearinghouseServer.start(ClearinghouseConfig.load(fed.config));
    fed.usePort(server.port());
    return server;
  }

  private static String run(int expected, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BlindmatchCli.execute(args, new PrintWriter(out), new PrintWriter(err));
    assertEquals(expected, status, () -> String.join(" ", args) + ": " + out + err);
    assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
    return err.toString();
  }
}
