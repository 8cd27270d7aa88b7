package org.blindmatch.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, one per test JVM, and a fresh database per test.
 *
 * <p>If {@value #URL_ENV} is set (a JDBC URL of an existing database, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, with {@value #USER_ENV} and optionally
 * {@value #PASSWORD_ENV}; the role needs {@code CREATEDB}), that server is used. Otherwise the
 * fixture starts its own from the Debian binaries ({@code /usr/lib/postgresql/N/bin}, the
 * newest N): {@code initdb} into a temporary directory with a random password
 * (scram-sha-256), {@code pg_ctl start} on a free loopback port with the unix socket in that
 * directory, and {@code pg_ctl stop} plus deletion at JVM exit (or, if the JVM did not get that
 * far, at the next fixture start). As root (PostgreSQL refuses to
 * run as root) both run as the {@code postgres} user through {@code runuser}. The server keeps
 * its default durability settings ({@code fsync} on), which the store requires. Each test
 * database is owned by an unprivileged role (no superuser, no {@code CREATEDB}), the set-up
 * docs/OPERATIONS.md prescribes; with an external server, by the configured role.
 *
 * <p>If neither works the calling test fails with the reason; it is never skipped.
 */
public final class PostgresFixture {
  /** A new, empty database and the role that owns it; the password is never shown. */
  public record Database(String url, String user, String password) {
    @Override
    public String toString() {
      return "Database[url=" + url + ", user=" + user + ", password=<redacted>]";
    }
  }

  private static final String URL_PREFIX = "jdbc:postgresql://";
  public static final String URL_ENV = "BLINDMATCH_TEST_POSTGRES_URL";
  public static final String USER_ENV = "BLINDMATCH_TEST_POSTGRES_USER";
  public static final String PASSWORD_ENV = "BLINDMATCH_TEST_POSTGRES_PASSWORD";
  private static final String ROLE = "blindmatch_test";
  private static final String STORE_ROLE = "blindmatch_store";
  private static final String TMP_PREFIX = "blindmatch-pg-";
  /** In each server directory: the pid of the JVM that started it. */
  private static final String OWNER_FILE = "owner.pid";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Server server;
  private static IllegalStateException failure;

  private PostgresFixture() {}

  /**
   * Where the server is, how to log in as a role that may create databases, and the role the
   * stores use (the owner of each test database).
   */
  private record Server(String urlBase, String urlParameters, String adminDatabase,
      String user, String password, String storeUser, String storePassword) {
    String url(String database) {
      return urlBase + database + urlParameters;
    }
  }

  /**
   * Settings for a new, empty database on the shared server.
   *
   * @throws IllegalStateException (failing the test) if no server can be had
   */
  public static Database newDatabase() {
    Server s = server();
    String name = "bm_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(s.url(s.adminDatabase()), s.user(),
        s.password()); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " OWNER " + s.storeUser());
      st.execute("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL test fixture: cannot create database "
          + name + " as " + s.user() + ": " + e.getMessage(), e);
    }
    return new Database(s.url(name), s.storeUser(), s.storePassword());
  }

  private static synchronized Server server() {
    if (server != null) {
      return server;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      String url = System.getenv(URL_ENV);
      server = url != null && !url.isBlank() ? external(url) : startOwn();
      return server;
    } catch (IOException | RuntimeException e) {
      failure = new IllegalStateException("PostgreSQL tests need a PostgreSQL server and could"
          + " not get one (they fail rather than skip): " + e.getMessage() + ". Either set "
          + URL_ENV + " (+ " + USER_ENV + ", " + PASSWORD_ENV + ") to a server where that role"
          + " may CREATE DATABASE, or install the Debian package postgresql (.ci/run does).", e);
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting PostgreSQL", e);
    }
  }

  private static Server external(String url) {
    String user = Optional.ofNullable(System.getenv(USER_ENV)).orElseThrow(
        () -> new IllegalStateException(URL_ENV + " is set but " + USER_ENV + " is not"));
    String password = Optional.ofNullable(System.getenv(PASSWORD_ENV)).orElse("");
    int q = url.indexOf('?');
    String params = q < 0 ? "" : url.substring(q);
    String path = q < 0 ? url : url.substring(0, q);
    int slash = path.lastIndexOf('/');
    if (!path.startsWith(URL_PREFIX) || slash < URL_PREFIX.length()) {
      throw new IllegalStateException(URL_ENV + " is not jdbc:postgresql://HOST[:PORT]/DB");
    }
    return new Server(path.substring(0, slash + 1), params, path.substring(slash + 1), user,
        password, user, password);
  }

  private static Server startOwn() throws IOException, InterruptedException {
    Path bin = binaries();
    Path tmp = Files.createTempDirectory(TMP_PREFIX);
    deleteLeftovers(tmp.getParent());
    Files.writeString(tmp.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
    List<String> asPostgres = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      asPostgres.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path pwfile = tmp.resolve("pwfile");
    Files.writeString(pwfile, password + "\n", StandardCharsets.US_ASCII);
    Path data = tmp.resolve("data");
    if (!asPostgres.isEmpty()) {
      run(List.of("chown", "-R", "postgres:postgres", tmp.toString()), tmp);
    }
    run(concat(asPostgres, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ROLE,
        "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"), tmp);
    Files.deleteIfExists(pwfile);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(asPostgres, bin, data, tmp),
        "postgres-fixture-stop"));
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        run(concat(asPostgres, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
            tmp.resolve("server.log").toString(), "-w", "-t", "60", "-o",
            "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories='"
                + tmp + "'", "start"), tmp);
      } catch (IOException e) {
        last = e; // most likely the port was taken meanwhile
        continue;
      }
      return withStoreRole(new Server("jdbc:postgresql://127.0.0.1:" + port + "/", "",
          "postgres", ROLE, password, null, null));
    }
    throw last;
  }

  /**
   * Creates the role the stores connect as, with no privilege but owning its databases (as
   * docs/OPERATIONS.md tells operators to set it up): no superuser, no CREATEDB.
   */
  private static Server withStoreRole(Server s) throws IOException {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    try (Connection c = DriverManager.getConnection(s.url(s.adminDatabase()), s.user(),
        s.password()); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + STORE_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
          + " PASSWORD '" + password + "'");
    } catch (SQLException e) {
      throw new IOException("cannot create role " + STORE_ROLE + ": " + e.getMessage(), e);
    }
    return new Server(s.urlBase(), s.urlParameters(), s.adminDatabase(), s.user(),
        s.password(), STORE_ROLE, password);
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      throw new IOException("no " + root + " (initdb and pg_ctl not installed)");
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb"))
              && Files.isExecutable(v.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(PostgresFixture::version))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IOException("no " + root + "/*/bin/initdb and pg_ctl"));
    }
  }

  private static int version(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Deletes the directories of servers started by JVMs that are gone and whose server is not
   * running (a JVM killed, or halted before its shutdown hook finished deleting).
   */
  private static void deleteLeftovers(Path parent) {
    try (Stream<Path> dirs = Files.list(parent)) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().startsWith(TMP_PREFIX))
          .toList()) {
        if (!isAlive(d.resolve(OWNER_FILE)) && !isAlive(d.resolve("data/postmaster.pid"))
            && Files.exists(d.resolve(OWNER_FILE))) {
          deleteTree(d);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }

  /** Whether the process whose pid is the first line of {@code pidFile} runs. */
  private static boolean isAlive(Path pidFile) {
    try {
      String first = Files.readAllLines(pidFile).get(0).strip();
      return ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void stop(List<String> asPostgres, Path bin, Path data, Path tmp) {
    try {
      run(concat(asPostgres, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m",
          "immediate", "-w", "stop"), tmp);
    } catch (IOException | InterruptedException ignored) {
      // best effort at exit
    }
    deleteTree(tmp); // if the JVM is halted first, the next fixture start deletes it
  }

  private static void run(List<String> command, Path dir)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("blindmatch-pg-cmd", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out");
      }
      if (p.exitValue() != 0) {
        String log = Files.readString(out);
        Path serverLog = dir.resolve("server.log");
        if (Files.isReadable(serverLog)) {
          log += "\nserver.log:\n" + Files.readString(serverLog);
        }
        throw new IOException(command.get(asPostgresOffset(command)) + " exited "
            + p.exitValue() + ": " + log.strip());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int asPostgresOffset(List<String> command) {
    return command.get(0).equals("runuser") ? 4 : 0;
  }

  private static List<String> concat(List<String> prefix, String... rest) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(rest));
    return all;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

}
