package org.blindmatch.server.store.postgres;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.blindmatch.server.store.PostgresSettings;
import org.blindmatch.server.store.StoreException;
import org.blindmatch.server.store.StoreException.Kind;
import org.blindmatch.server.store.files.DataDir;
import org.blindmatch.server.store.files.DurableFiles;
import org.blindmatch.server.store.jdbc.MetadataDb;
import org.blindmatch.server.store.jdbc.Migrations;

/**
 * Opens a store's metadata database in PostgreSQL, in this order, before the store accepts a
 * call:
 *
 * <ol>
 *   <li>connects with the configured role (the password is sent only to the server);
 *   <li>refuses a server whose {@code fsync} or {@code full_page_writes} is off, and sets
 *       {@code synchronous_commit = on} for the session, so a committed transaction survives
 *       a crash of the database server as the embedded store's do;
 *   <li>takes the session-level advisory lock {@link #LOCK_KEY}, waiting at most
 *       {@link PostgresSettings#lockWait()}: two clearinghouses can never write one database.
 *       The lock lives as long as the connection; after a lost connection the store reports
 *       itself unreachable until a new session has taken the lock again and found the same
 *       binding (see {@link #BINDING_FILE});
 *   <li>migrates the schema with Flyway ({@code classpath:}{@value #MIGRATIONS}, see
 *       {@link Migrations}), refusing a database that holds other tables or a newer schema
 *       than this build knows;
 *   <li>checks that the database and the data directory belong together (see
 *       {@link #BINDING_FILE}).
 * </ol>
 *
 * <p>Stateless; every method may be called from any thread.
 */
public final class PostgresMetadata {
  /** The advisory lock key: the ASCII bytes of "blindmat". */
  public static final long LOCK_KEY = 0x626c696e646d6174L;
  /** The classpath folder of the PostgreSQL migrations. */
  public static final String MIGRATIONS = "org/blindmatch/server/store/postgres/migration";
  /**
   * In the data directory: the id of the database row {@code store_binding} whose segments
   * the directory holds.
   */
  public static final String BINDING_FILE = DataDir.POSTGRES_BINDING_FILE;
  private static final long LOCK_POLL_MILLIS = 200;

  private PostgresMetadata() {}

  /**
   * Opens the metadata of the store whose segments are in {@code dir}.
   *
   * @throws StoreException {@code IO} if the server cannot be reached or refuses the role, its
   *     durability settings are off, another clearinghouse holds the database, or a migration
   *     fails; {@code CORRUPT} if the database is not a blindmatch store of a known version or
   *     belongs to another data directory
   */
  public static MetadataDb open(PostgresSettings settings, DataDir dir)
      throws StoreException {
    String where = "PostgreSQL " + withoutParameters(settings.url());
    if (Files.exists(dir.metaFile())) {
      throw new StoreException(Kind.CORRUPT, dir.root() + " holds an embedded store's "
          + dir.metaFile().getFileName() + "; a data directory belongs to one store kind");
    }
    Connection c = null;
    try {
      c = connect(settings, where, "blindmatch-clearinghouse");
      requireDurability(c, where);
      lock(c, settings, where);
      migrate(settings, where);
      c.setAutoCommit(false);
      bind(c, dir, where);
      return new MetadataDb(c, PostgresDialect.INSTANCE, () -> reconnect(settings, dir, where));
    } catch (SQLException e) {
      MetadataDb.closeQuietly(c);
      throw new StoreException(Kind.IO, where + ": " + PostgresDialect.INSTANCE.describe(e), e);
    } catch (StoreException | RuntimeException e) {
      MetadataDb.closeQuietly(c);
      throw e;
    }
  }

  /**
   * A replacement for a lost or broken session: connects, checks durability, takes the
   * advisory lock again (a lost session lost it) and checks the binding, so a database that
   * another data directory's clearinghouse took over meanwhile is refused.
   */
  private static Connection reconnect(PostgresSettings settings, DataDir dir, String where)
      throws StoreException {
    Connection c = null;
    try {
      c = connect(settings, where, "blindmatch-clearinghouse");
      requireDurability(c, where);
      lock(c, settings, where);
      c.setAutoCommit(false);
      bind(c, dir, where);
      return c;
    } catch (SQLException e) {
      MetadataDb.closeQuietly(c);
      throw new StoreException(Kind.IO, where + ": " + PostgresDialect.INSTANCE.describe(e), e);
    } catch (StoreException | RuntimeException e) {
      MetadataDb.closeQuietly(c);
      throw e;
    }
  }

  /**
   * Connects as the configured role; {@code application} names the session. Server error
   * details (which may quote row values) are kept out of exception messages.
   *
   * @param where names the database in messages
   * @throws StoreException {@code IO} if the server cannot be reached or refuses the role
   */
  public static Connection connect(PostgresSettings settings, String where, String application)
      throws StoreException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    if (!settings.password().isEmpty()) {
      props.setProperty("password", settings.password());
    }
    props.setProperty("ApplicationName", application);
    // Server error details can quote row values; keep them out of exception messages.
    props.setProperty("logServerErrorDetail", "false");
    try {
      return DriverManager.getConnection(settings.url(), props);
    } catch (SQLException e) {
      throw new StoreException(Kind.IO, where + ": cannot connect as " + settings.user() + ": "
          + PostgresDialect.INSTANCE.describe(e), e);
    }
  }

  private static void requireDurability(Connection c, String where)
      throws SQLException, StoreException {
    for (String setting : new String[] {"fsync", "full_page_writes"}) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
        String value = rs.next() ? rs.getString(1) : null;
        if (!"on".equals(value)) {
          throw new StoreException(Kind.IO, where + ": the server runs with " + setting + " = "
              + value + "; committed submissions would not survive a crash of the database"
              + " server. Turn it on.");
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = on");
    }
  }

  private static void lock(Connection c, PostgresSettings settings, String where)
      throws SQLException, StoreException {
    long deadline = System.nanoTime() + settings.lockWait().toNanos();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, LOCK_KEY);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new StoreException(Kind.IO, where + ": another clearinghouse holds this"
              + " database (advisory lock " + LOCK_KEY + " is taken; waited "
              + settings.lockWait().toSeconds() + " s). One database serves one"
              + " clearinghouse; see docs/OPERATIONS.md, \"PostgreSQL store\".");
        }
        try {
          Thread.sleep(LOCK_POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException(Kind.IO, where + ": interrupted waiting for the lock");
        }
      }
    }
  }

  /**
   * Migrates the database to the latest schema; the caller holds the advisory lock.
   *
   * @param where names the database in messages
   * @throws StoreException {@code CORRUPT} as {@link Migrations#migrate}
   */
  public static void migrate(PostgresSettings settings, String where) throws StoreException {
    Migrations.migrate(Migrations.configure(MIGRATIONS)
        .dataSource(settings.url(), settings.user(), settings.password())
        .load(), where);
  }

  /**
   * Matches the database's {@code store_binding} row with the directory's
   * {@link #BINDING_FILE}. The row is written first, then the file, so an interrupted first
   * start leaves a row and no file; that is completed as long as the database holds no upload
   * or submission yet.
   */
  private static void bind(Connection c, DataDir dir, String where)
      throws SQLException, StoreException {
    Path file = dir.root().resolve(BINDING_FILE);
    Optional<String> inFile = readBinding(file);
    Optional<String> inDb = Optional.empty();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT binding_id FROM store_binding")) {
      if (rs.next()) {
        inDb = Optional.of(rs.getString(1));
      }
    }
    if (inDb.isPresent() && inFile.isPresent()) {
      if (!inDb.get().equals(inFile.get())) {
        c.rollback();
        throw new StoreException(Kind.CORRUPT, where + " is the store of another data"
            + " directory (binding " + inDb.get() + "), not of " + dir.root() + " (binding "
            + inFile.get() + ")");
      }
      c.commit();
      return;
    }
    if (inFile.isPresent()) {
      c.rollback();
      throw new StoreException(Kind.CORRUPT, dir.root() + " holds the segments of the"
          + " PostgreSQL store with binding " + inFile.get() + ", but " + where
          + " is not that store (it has no binding: another or an empty database?)");
    }
    if (inDb.isPresent()) {
      if (!isEmpty(c)) {
        c.rollback();
        throw new StoreException(Kind.CORRUPT, where + " is the store of another data"
            + " directory (binding " + inDb.get() + "); " + dir.root() + " has no "
            + BINDING_FILE);
      }
    } else {
      inDb = Optional.of(UUID.randomUUID().toString());
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO store_binding (binding_id) VALUES (?)")) {
        ps.setString(1, inDb.get());
        ps.executeUpdate();
      }
    }
    c.commit();
    writeBinding(file, inDb.get(), dir);
  }

  private static boolean isEmpty(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT NOT EXISTS (SELECT 1 FROM uploads) AND NOT EXISTS (SELECT 1 FROM submissions)")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * The binding id in {@code file}, empty if the file does not exist.
   *
   * @throws StoreException {@code CORRUPT} if the file does not hold a UUID
   */
  public static Optional<String> readBinding(Path file) throws StoreException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
      UUID.fromString(id);
      return Optional.of(id);
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException(Kind.CORRUPT, file + ": not a store binding id", e);
    }
  }

  private static void writeBinding(Path file, String id, DataDir dir) throws StoreException {
    Path tmp = file.resolveSibling(BINDING_FILE + ".tmp");
    try {
      Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      DurableFiles.moveAtomic(tmp, file);
      DurableFiles.fsyncDirectory(dir.root());
    } catch (IOException e) {
      throw new StoreException(Kind.IO, file + ": cannot write the store binding: " + e, e);
    }
  }

  /** The URL up to its parameters, for messages. */
  public static String withoutParameters(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
