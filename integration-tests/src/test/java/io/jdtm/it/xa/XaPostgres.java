package io.jdtm.it.xa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * A private PostgreSQL server for XA tests: the shared one on 5432 runs with {@code
 * max_prepared_transactions=0}, which refuses {@code PREPARE TRANSACTION}. {@link #start()}
 * initdbs a fresh cluster in a temporary directory (trust authentication, user {@code postgres},
 * database {@code postgres}) and runs it on a free loopback port with {@code
 * max_prepared_transactions=20}, {@code fsync=on} and its Unix socket inside the data directory.
 * {@link #kill()} SIGKILLs the postmaster (a crash: prepared transactions must survive it), {@link
 * #restart()} starts it again on the same directory and port, {@link #close()} stops it and
 * deletes the directory (also done by a JVM shutdown hook for servers left open).
 *
 * <p>Missing binaries fail the test when {@code CI=true} and skip it otherwise (see {@link
 * PgBinaries}). Not thread-safe: one test thread starts, kills and closes it; the data sources it
 * hands out may be used from any thread.
 */
public final class XaPostgres implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(30);
  private static final Set<XaPostgres> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(XaPostgres::close),
        "xa-postgres-cleanup"));
  }

  private final PgBinaries binaries;
  private final Path root;
  private final Path data;
  private final int port;
  private Process launcher;

  private XaPostgres(PgBinaries binaries, Path root, int port) {
    this.binaries = binaries;
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
  }

  /** Initdbs and starts a server, waiting (60 s at most) until it accepts connections. */
  public static XaPostgres start() {
    PgBinaries binaries = PgBinaries.require();
    XaPostgres pg;
    try {
      Path root = Files.createTempDirectory("jdtm-xa-pg-");
      binaries.own(root);
      pg = new XaPostgres(binaries, root, freePort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a PostgreSQL directory", e);
    }
    OPEN.add(pg);
    try {
      pg.initdb();
      pg.launch();
      return pg;
    } catch (RuntimeException | Error e) {
      pg.close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void initdb() {
    List<String> cmd = binaries.command("initdb", List.of("-D", data.toString(), "-A", "trust",
        "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"));
    Process p = run(cmd);
    try {
      if (!p.waitFor(READY_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("initdb did not finish within " + READY_WITHIN + "; see "
            + log());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("initdb exited with " + p.exitValue() + ": " + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running initdb", e);
    }
  }

  private void launch() {
    launcher = run(binaries.command("postgres", List.of("-D", data.toString(),
        "-p", Integer.toString(port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=" + data,
        "-c", "max_prepared_transactions=20",
        "-c", "fsync=on")));
    Process p = launcher;
    try {
      Awaitility.await("PostgreSQL on 127.0.0.1:" + port)
          .atMost(READY_WITHIN)
          .pollInterval(Duration.ofMillis(50))
          .failFast("postgres exited", () -> !p.isAlive())
          .until(this::accepts);
    } catch (RuntimeException e) {
      throw new IllegalStateException("PostgreSQL did not start on 127.0.0.1:" + port + " ("
          + e.getMessage() + "); its log ends with:\n" + tail(), e);
    }
  }

  private Process run(List<String> cmd) {
    try {
      return new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    }
  }

  private boolean accepts() {
    try (Connection c = dataSource().getConnection()) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}; user {@code postgres}, no password. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** A new XA data source on this server (user {@code postgres}). */
  public PGXADataSource xaDataSource() {
    PGXADataSource ds = new PGXADataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser("postgres");
    return ds;
  }

  /** A new plain data source on this server (user {@code postgres}). */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser("postgres");
    ds.setConnectTimeout(5);
    return ds;
  }

  /**
   * SIGKILLs the postmaster, as a crash would, and waits until it and its backends are gone
   * (they exit on their own when they see the postmaster die).
   */
  public void kill() {
    ProcessHandle postmaster = postmaster();
    List<ProcessHandle> backends = postmaster.descendants().toList();
    postmaster.destroyForcibly();
    awaitGone(postmaster, backends);
  }

  /** Starts the server again on the same directory and port after {@link #kill()}. */
  public void restart() {
    if (launcher != null && launcher.isAlive()) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is still running");
    }
    launch();
  }

  /** Stops the server (fast shutdown, SIGKILL after 30 s) and deletes its directory. */
  @Override
  public void close() {
    OPEN.remove(this);
    try {
      if (launcher != null && launcher.isAlive()) {
        stop();
      }
    } finally {
      delete();
    }
  }

  private void stop() {
    ProcessHandle postmaster = postmaster();
    List<ProcessHandle> backends = postmaster.descendants().toList();
    // SIGINT is PostgreSQL's fast shutdown: it ends sessions, checkpoints and frees its memory.
    signal(postmaster.pid(), "INT");
    try {
      postmaster.onExit().get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      postmaster.destroyForcibly();
    }
    awaitGone(postmaster, backends);
  }

  private static void signal(long pid, String signal) {
    try {
      new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitGone(ProcessHandle postmaster, List<ProcessHandle> backends) {
    Awaitility.await("PostgreSQL on port " + port + " to exit")
        .atMost(STOP_WITHIN)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !launcher.isAlive() && !postmaster.isAlive()
            && backends.stream().noneMatch(ProcessHandle::isAlive));
  }

  /** The postmaster: its PID is the first line of {@code postmaster.pid}. */
  private ProcessHandle postmaster() {
    try {
      long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
      return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
          "no postmaster with pid " + pid + " on port " + port));
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL on port " + port + " has no postmaster.pid", e);
    }
  }

  private void delete() {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private Path log() {
    return root.resolve("server.log");
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
