package org.blindmatch.server.store;

import static org.blindmatch.server.store.Fixtures.assertKind;
import static org.blindmatch.server.store.Fixtures.commit;
import static org.blindmatch.server.store.Fixtures.readAll;
import static org.blindmatch.server.store.Fixtures.records;
import static org.blindmatch.server.store.Fixtures.report;
import static org.blindmatch.server.store.Fixtures.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.segment.SegmentSubmissionStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A store whose database session is lost while serving replaces it by itself: the call that
 * meets the loss fails with {@code IO}, the next one (or a readiness check) reconnects, takes
 * the single-writer lock again and succeeds. The embedded store's equivalent, a full disk, is
 * the CLI's {@code StorageFaultsTest}.
 */
class ConnectionLossTest extends StoreConformance {

  @Test
  void aTerminatedPostgresSessionIsReplacedWithoutReopening() throws Exception {
    Assumptions.assumeTrue(backend == Backend.POSTGRESQL, "a PostgreSQL session");
    try (SegmentSubmissionStore store = open()) {
      byte[] body = records(3, 50);
      upload(store, report("r", 3), body, 3);
      assertEquals(1, terminateStoreSession());
      assertKind(Kind.IO, () -> store.find("r"));
      assertTrue(store.isReady(), "the readiness check reconnects");
      commit(store, report("r", 3));
      assertArrayEquals(body, readAll(store, "r"));

      assertEquals(1, terminateStoreSession());
      assertKind(Kind.IO, () -> store.find("r"));
      assertEquals(3, store.find("r").orElseThrow().records(), "the next call reconnects");
      assertEquals(1, advisoryLocks(), "the new session holds the single-writer lock again");
    }
  }

  private int advisoryLocks() throws Exception {
    try (Connection c = rawConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype ="
            + " 'advisory' AND granted AND database = (SELECT oid FROM pg_database"
            + " WHERE datname = current_database())")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Ends the store's session from outside, as a database restart would. */
  private int terminateStoreSession() throws Exception {
    try (Connection c = rawConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM"
            + " pg_stat_activity WHERE datname = current_database()"
            + " AND application_name = 'blindmatch-clearinghouse'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
