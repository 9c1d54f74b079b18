package io.jdtm.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis servers the barrier's tests use: the machine's shared Redis ({@code JDTM_REDIS_URL},
 * default {@code redis://127.0.0.1:6379}; never flushed, every test uses a key prefix of its own),
 * and private {@code redis-server} processes started on free loopback ports under {@code
 * target/}, alone or as a 3-master cluster, for tests that flush scripts or stop the server. A
 * missing server or binary fails the test when {@code CI=true} and skips it otherwise. Processes
 * are stopped by {@link Local#close} and, at the latest, by a JVM shutdown hook. Thread-safe.
 */
public final class BarrierRedis {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  private static final String BINARY = getenv("JDTM_REDIS_SERVER", "/usr/bin/redis-server");
  private static final String CLI = getenv("JDTM_REDIS_CLI", "/usr/bin/redis-cli");

  private BarrierRedis() {}

  /** The shared server's URI, or the test is skipped (failed on CI). */
  public static String shared() {
    return require(Shared.URI, Shared.PROBLEM);
  }

  /** A key prefix no other test (or run) uses. */
  public static String newPrefix() {
    return "tb_" + RUN + "_" + PREFIXES.incrementAndGet() + "_";
  }

  private static final class Shared {
    static final String URI = getenv("JDTM_REDIS_URL", "redis://127.0.0.1:6379");
    static final String PROBLEM = problem(URI);
  }

  private static String getenv(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Why {@code uri} cannot be used, or null when it answers PING. */
  private static String problem(String uri) {
    RedisClient client = RedisClient.create(RedisURI.create(uri));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.setTimeout(Duration.ofSeconds(5));
      return "PONG".equals(c.sync().ping()) ? null : "no PONG";
    } catch (RuntimeException e) {
      return e.toString();
    } finally {
      client.shutdown();
    }
  }

  private static <T> T require(T value, String problem) {
    if (problem == null) {
      return value;
    }
    String message = "Redis is not usable (" + problem + "). Run scripts/ensure-servers, point "
        + "JDTM_REDIS_URL at a server, or install redis-server (JDTM_REDIS_SERVER, "
        + "JDTM_REDIS_CLI name the binaries).";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + message);
    }
    Assumptions.abort(message);
    return value;
  }

  /** A private standalone server under {@code dir}, with redis-server's {@code options}. */
  public static Local startServer(Path dir, String... options) throws IOException {
    requireBinaries();
    Local local = new Local(dir);
    local.start(false, options);
    local.awaitPing(local.ports.get(0));
    return local;
  }

  /** A private 3-master cluster (no replicas) under {@code dir}. */
  public static Local startCluster(Path dir) throws IOException, InterruptedException {
    requireBinaries();
    Local local = new Local(dir);
    for (int i = 0; i < 3; i++) {
      local.start(true);
    }
    for (int port : local.ports) {
      local.awaitPing(port);
    }
    List<String> create = new ArrayList<>(List.of(CLI, "--cluster", "create"));
    local.ports.forEach(p -> create.add("127.0.0.1:" + p));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    local.exec(create, "cluster-create.log");
    local.awaitClusterOk();
    return local;
  }

  private static void requireBinaries() {
    String problem = Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(CLI))
        ? null : BINARY + " or " + CLI + " is missing";
    require(Boolean.TRUE, problem);
  }

  /** Private redis-server processes; {@link #close} stops them. */
  public static final class Local implements AutoCloseable {
    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<ProcessBuilder> commands = new ArrayList<>();
    private final Thread hook = new Thread(this::stop);

    private Local(Path dir) throws IOException {
      this.dir = Files.createDirectories(dir.toAbsolutePath());
      Runtime.getRuntime().addShutdownHook(hook);
    }

    /** {@code redis://127.0.0.1:<port>} of the first server. */
    public String uri() {
      return "redis://127.0.0.1:" + ports.get(0);
    }

    /** {@code redis-cluster://127.0.0.1:<port>,...} of every server. */
    public String clusterUri() {
      StringBuilder sb = new StringBuilder("redis-cluster://");
      for (int i = 0; i < ports.size(); i++) {
        sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports.get(i));
      }
      return sb.toString();
    }

    private void start(boolean cluster, String... options) throws IOException {
      int port = freePort();
      Path node = Files.createDirectories(dir.resolve("node-" + port));
      List<String> command = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--dir", node.toString(), "--save", "", "--appendonly", "no"));
      command.addAll(List.of(options));
      if (cluster) {
        command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file",
            node.resolve("nodes.conf").toString(), "--cluster-node-timeout", "5000"));
      }
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(node.resolve("server.log").toFile()));
      commands.add(builder);
      processes.add(builder.start());
      ports.add(port);
    }

    /** A process starting: a bounded wait for real concurrency. */
    private void awaitPing(int port) {
      Awaitility.await("redis-server on port " + port + " (logs in " + dir + ")")
          .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> {
            String answer = run(List.of(CLI, "-p", Integer.toString(port), "ping"));
            return answer.contains("PONG") || answer.contains("NOAUTH");
          });
    }

    /** The cluster converging: a bounded wait for real concurrency. */
    private void awaitClusterOk() {
      Awaitility.await("cluster state ok (logs in " + dir + ")").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int port : ports) {
              if (!run(List.of(CLI, "-p", Integer.toString(port), "cluster", "info"))
                  .contains("cluster_state:ok")) {
                return false;
              }
            }
            return true;
          });
    }

    /** Runs redis-cli against the first server. */
    public String cli(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(CLI, "-p", Integer.toString(ports.get(0))));
      command.addAll(List.of(args));
      return run(command);
    }

    private void exec(List<String> command, String log) throws IOException, InterruptedException {
      String output = run(command);
      Files.writeString(dir.resolve(log), output);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish");
      }
      return output;
    }

    /**
     * Starts a stopped standalone server again on its port, empty (nothing is persisted), and
     * waits until it answers.
     */
    public void restart() throws IOException {
      processes.set(0, commands.get(0).start());
      awaitPing(ports.get(0));
    }

    /** Stops every server (SIGKILL; nothing is persisted). */
    public void stop() {
      for (Process p : processes) {
        p.destroyForcibly();
      }
      for (Process p : processes) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void close() {
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down; the hook runs stop() too
      }
    }

    /** A free port below 45000 whose cluster bus port (+10000) is free too. */
    private static int freePort() {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(20000, 45000);
        if (isFree(port) && isFree(port + 10000)) {
          return port;
        }
      }
      throw new IllegalStateException("no free loopback port pair found");
    }

    private static boolean isFree(int port) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
