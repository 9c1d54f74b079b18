package io.jdtm.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis servers for tests (shipped in the test-jar for integration-tests):
 *
 * <ul>
 *   <li>the shared standalone server, {@code JDTM_REDIS_URL} or {@code redis://127.0.0.1:6379}
 *       ({@link #sharedUri()}): never flushed; each store uses a fresh key prefix ({@link
 *       #uniquePrefix}) whose keys {@link #deleteKeys} removes (SCAN and DEL of that prefix only);
 *   <li>private {@code redis-server} processes on free loopback ports ({@link #start}), with their
 *       directory under {@code target/redis/}, stoppable, SIGKILL-able and restartable on the
 *       same port; all are killed by a JVM shutdown hook as well.
 * </ul>
 *
 * <p>A missing server (or {@code redis-server} binary) fails the test when {@code CI=true} and
 * skips it otherwise, saying why. Thread-safe.
 */
public final class RedisServers {
  /** Options of a private server that keeps every acknowledged write across a kill. */
  public static final List<String> DURABLE = List.of("--appendonly", "yes", "--appendfsync",
      "always");
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final String RUN = Long.toString(ProcessHandle.current().pid(), 36);
  private static final Set<Private> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Private::kill),
        "redis-servers-cleanup"));
  }

  private RedisServers() {}

  /** The shared server's URI, or the test is skipped (failed on CI) when it does not answer. */
  public static String sharedUri() {
    return require(Shared.URI, Shared.PROBLEM, "Run scripts/ensure-servers, or point "
        + "JDTM_REDIS_URL at a server.");
  }

  private static final class Shared {
    static final String URI = getenv("JDTM_REDIS_URL", "redis://127.0.0.1:6379");
    static final String PROBLEM = problem(URI);
  }

  private static String getenv(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** A key prefix no other store (or test run) uses, e.g. {@code t_contract_k3x_12_}. */
  public static String uniquePrefix(String hint) {
    String clean = hint.replaceAll("[^A-Za-z0-9_]", "_");
    if (clean.length() > 30) {
      clean = clean.substring(0, 30);
    }
    return "t_" + clean + "_" + RUN + "_" + COUNTER.incrementAndGet() + "_";
  }

  /** A store on the shared server under {@code prefix}. */
  public static RedisStore sharedStore(String prefix) {
    return RedisStore.builder().uri(sharedUri()).keyPrefix(prefix).build();
  }

  /**
   * Deletes every key of {@code prefix} on the standalone server at {@code uri} (SCAN MATCH of
   * the prefix, then DEL): nothing else on the server is touched.
   *
   * @return how many keys were deleted
   */
  public static long deleteKeys(String uri, String prefix) {
    KeyPrefix.require(prefix); // letters, digits and _: nothing SCAN MATCH would expand
    RedisClient client = RedisClient.create(RedisURI.create(uri));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> sync = c.sync();
      long deleted = 0;
      ScanCursor cursor = ScanCursor.INITIAL;
      ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(1000);
      do {
        KeyScanCursor<String> page = sync.scan(cursor, args);
        if (!page.getKeys().isEmpty()) {
          deleted += sync.del(page.getKeys().toArray(new String[0]));
        }
        cursor = page;
      } while (!cursor.isFinished());
      return deleted;
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts a private {@code redis-server} on a free loopback port, with {@code options} (e.g.
   * {@link #DURABLE}) after the fixture's own ({@code --port}, {@code --bind 127.0.0.1}, {@code
   * --dir target/redis/<name>-<port>}, {@code --save ""}, {@code --appendonly no}), and waits
   * until it answers.
   */
  public static Private start(String name, List<String> options) {
    String binary = Binaries.REDIS_SERVER;
    require(binary, binary == null ? "no redis-server binary on the PATH or in /usr/bin" : null,
        "Install Redis (Debian: apt-get install redis-server).");
    int port = freePort();
    Path dir = Path.of("target", "redis", name + "-" + port).toAbsolutePath();
    deleteLeftovers(dir); // an earlier run's server on the same port (nodes.conf, AOF)
    Private p = new Private(binary, port, dir, List.copyOf(options));
    p.startProcess();
    return p;
  }

  private static void deleteLeftovers(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot clear " + dir + " left by an earlier run", e);
    }
  }

  private static final class Binaries {
    static final String REDIS_SERVER = find("redis-server");
    static final String REDIS_CLI = find("redis-cli");

    private static String find(String name) {
      for (String d : getenv("PATH", "/usr/bin").split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
      return Files.isExecutable(Path.of("/usr/bin", name)) ? "/usr/bin/" + name : null;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /** Why the server at {@code uri} cannot be used, or null when it answers PING. */
  static String problem(String uri) {
    RedisURI u = RedisURI.create(uri);
    u.setTimeout(Duration.ofSeconds(2));
    RedisClient client = RedisClient.create(u);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return "PONG".equals(c.sync().ping()) ? null : "no PONG";
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage()) + " " + e.getCause();
      // A server with a password answers, if only to refuse: it is up.
      return m.contains("NOAUTH") || m.contains("WRONGPASS") ? null : e.getMessage();
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static <T> T require(T value, String problem, String advice) {
    if (problem == null) {
      return value;
    }
    String message = "Redis is not usable (" + problem + "). " + advice;
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + message);
    }
    Assumptions.abort(message);
    return value;
  }

  /** A private {@code redis-server} process. Thread-safe. */
  public static final class Private implements AutoCloseable {
    private final String binary;
    private final int port;
    private final Path dir;
    private final List<String> options;
    private final java.util.concurrent.locks.ReentrantLock lock =
        new java.util.concurrent.locks.ReentrantLock();
    private volatile Process process;

    private Private(String binary, int port, Path dir, List<String> options) {
      this.binary = binary;
      this.port = port;
      this.dir = dir;
      this.options = options;
    }

    public int port() {
      return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
      return "redis://127.0.0.1:" + port;
    }

    /** Its working directory (AOF, RDB and {@code redis.log}). */
    public Path dir() {
      return dir;
    }

    /** Whether the process is running. */
    public boolean isRunning() {
      Process p = process;
      return p != null && p.isAlive();
    }

    private void startProcess() {
      lock.lock();
      try {
        launch();
      } finally {
        lock.unlock();
      }
    }

    private void launch() {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IllegalStateException("cannot create " + dir, e);
      }
      List<String> cmd = new ArrayList<>(List.of(binary, "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
          "--daemonize", "no", "--protected-mode", "no"));
      cmd.addAll(options);
      try {
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + cmd, e);
      }
      RUNNING.add(this);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String problem = "not started";
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server on port " + port + " exited with "
              + process.exitValue() + "; see " + dir.resolve("redis.log"));
        }
        problem = RedisServers.problem(uri());
        if (problem == null) {
          return;
        }
        try {
          Thread.sleep(20); // a process starting up: real concurrency, bounded by the deadline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      kill();
      throw new IllegalStateException("redis-server on port " + port + " did not answer within "
          + "20 s (" + problem + "); see " + dir.resolve("redis.log"));
    }

    /** Starts it again on the same port and directory (after {@link #stop} or {@link #kill}). */
    public void restart() {
      lock.lock();
      try {
        if (isRunning()) {
          throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        launch();
      } finally {
        lock.unlock();
      }
    }

    /** Kills it with SIGKILL and waits until it is gone. */
    public void kill() {
      end(true);
    }

    /** Stops it with SIGTERM (Redis shuts down cleanly) and waits until it is gone. */
    public void stop() {
      end(false);
    }

    private void end(boolean forcibly) {
      lock.lock();
      try {
        Process p = process;
        if (p != null) {
          if (forcibly) {
            p.destroyForcibly();
          } else {
            p.destroy();
          }
          waitFor(p);
        }
        RUNNING.remove(this);
      } finally {
        lock.unlock();
      }
    }

    private void waitFor(Process p) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /**
     * Runs {@code redis-cli -p <port>} with {@code args} (e.g. {@code "-a", password, "script",
     * "flush"}) and returns its output.
     */
    public String cli(String... args) {
      String cli = require(Binaries.REDIS_CLI, Binaries.REDIS_CLI == null
          ? "no redis-cli binary on the PATH or in /usr/bin" : null,
          "Install Redis (Debian: apt-get install redis-tools).");
      List<String> cmd = new ArrayList<>(List.of(cli, "-p", Integer.toString(port)));
      cmd.addAll(List.of(args));
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(cmd + " did not finish within 30 s");
        }
        return output;
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + cmd, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + cmd, e);
      }
    }

    /** Kills it. */
    @Override
    public void close() {
      kill();
    }

    @Override
    public String toString() {
      return "redis-server 127.0.0.1:" + port + " " + options;
    }
  }
}
