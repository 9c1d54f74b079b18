package io.jdtm.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis Cluster of private {@code redis-server} processes on free loopback ports, for tests
 * (shipped in the test-jar for integration-tests).
 *
 * <p>{@link #start} launches {@code masters} nodes (and {@code replicas} replicas of each) with
 * {@code --cluster-enabled yes}, their directories under {@code target/redis/}, joins them with
 * {@code redis-cli --cluster create ... --cluster-yes}, and waits until every node reports {@code
 * cluster_state:ok} and every replica is in sync. {@link #shared()} is one durable 3-master
 * cluster per test JVM, started on first use and never killed before the JVM exits: tests on it
 * use a fresh key prefix ({@link RedisServers#uniquePrefix}) and remove their keys with {@link
 * #deleteKeys}. A cluster a test starts itself (e.g. to kill a master) is closed by that test;
 * every node is also killed by a JVM shutdown hook.
 *
 * <p>A missing {@code redis-server} or {@code redis-cli} binary fails the test when {@code
 * CI=true} and skips it otherwise, saying why. Thread-safe.
 */
public final class RedisCluster implements AutoCloseable {
  /** Node options keeping every acknowledged write across a kill of the node. */
  public static final List<String> DURABLE = RedisServers.DURABLE;
  /** Node options of a cluster that may lose acknowledged writes on a crash. */
  public static final List<String> VOLATILE = List.of();
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Set<RedisCluster> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(RedisCluster::close),
        "redis-cluster-cleanup"));
  }

  private final String name;
  private final List<Node> nodes;
  private final int replicas;

  private RedisCluster(String name, List<Node> nodes, int replicas) {
    this.name = name;
    this.nodes = List.copyOf(nodes);
    this.replicas = replicas;
  }

  /**
   * This JVM's shared cluster: 3 masters, no replicas, {@link #DURABLE} ({@code appendonly yes},
   * {@code appendfsync always}, so a store on it declares DURABLE), started on first use.
   */
  public static RedisCluster shared() {
    return Shared.CLUSTER.get();
  }

  private static final class Shared {
    static final Lazy CLUSTER = new Lazy();
  }

  /** Starts the shared cluster once; a failed start is rethrown to every later caller. */
  private static final class Lazy {
    private RedisCluster cluster;
    private RuntimeException failure;

    synchronized RedisCluster get() {
      if (cluster == null && failure == null) {
        try {
          cluster = start("shared", 3, 0, Duration.ofSeconds(5), DURABLE);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        if (failure instanceof org.opentest4j.TestAbortedException) {
          Assumptions.abort(failure.getMessage());
        }
        throw new IllegalStateException("the shared Redis Cluster did not start: "
            + failure.getMessage(), failure);
      }
      return cluster;
    }
  }

  /**
   * Starts a cluster and waits until it serves every slot.
   *
   * @param name names the node directories ({@code target/redis/<name>-<port>})
   * @param masters number of masters, at least 3 (what {@code redis-cli --cluster create}
   *     accepts)
   * @param replicas replicas of each master, 0 or more
   * @param nodeTimeout {@code cluster-node-timeout}: how long a silent node takes to be failed
   *     over
   * @param options further {@code redis-server} options of every node, e.g. {@link #DURABLE}
   */
  public static RedisCluster start(String name, int masters, int replicas, Duration nodeTimeout,
      List<String> options) {
    if (masters < 3) {
      throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, not "
          + masters);
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas per master must be >= 0, not " + replicas);
    }
    String cli = Binaries.require("redis-cli");
    List<String> nodeOptions = new ArrayList<>(List.of("--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
        Long.toString(nodeTimeout.toMillis())));
    nodeOptions.addAll(options);
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters * (1 + replicas); i++) {
        nodes.add(new Node(RedisServers.start(name, nodeOptions)));
      }
    } catch (RuntimeException | Error e) {
      nodes.forEach(Node::kill);
      throw e;
    }
    RedisCluster cluster = new RedisCluster(name, nodes, replicas);
    OPEN.add(cluster);
    try {
      cluster.create(cli);
      cluster.awaitOk();
      cluster.awaitReplicasInSync();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void create(String cli) {
    List<String> cmd = new ArrayList<>(List.of(cli, "--cluster", "create"));
    for (Node n : nodes) {
      cmd.add("127.0.0.1:" + n.port());
    }
    cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    Path log = nodes.get(0).dir().resolve("cluster-create.log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 60 s; "
            + "see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited with "
            + p.exitValue() + ": " + tail(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /**
   * {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}: every node as a seed, so a client
   * connects while any of them is up.
   */
  public String uri() {
    return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port())
        .collect(Collectors.joining(","));
  }

  /** Every node, in the order {@code redis-cli} was given them (masters first). */
  public List<Node> nodes() {
    return nodes;
  }

  /** The running nodes that are masters now. */
  public List<Node> masters() {
    return nodes.stream().filter(Node::isRunning).filter(Node::isMaster).toList();
  }

  /**
   * Waits (at most a minute) until every running node reports {@code cluster_state:ok}, knows
   * every slot as served ({@code cluster_slots_ok:16384}), and sees every master that serves
   * slots as connected and not failing: after {@link #killMasterOf}, this is when a replica has
   * taken over the dead master's slots and the other nodes agree.
   *
   * @throws IllegalStateException naming the node and its state when the deadline passes
   */
  public void awaitOk() {
    awaitAll("cluster_state:ok with every slot served", n -> {
      String info = n.command(c -> c.clusterInfo());
      if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
        return false;
      }
      String view = n.command(c -> c.clusterNodes());
      for (String line : view.split("\n")) {
        // <id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link-state> <slot>...
        String[] f = line.trim().split(" ");
        boolean servesSlots = f.length > 8 && f[2].contains("master");
        if (servesSlots && (f[2].contains("fail") || !"connected".equals(f[7]))) {
          return false; // slots on a master that is down, suspected (fail?) or unreachable
        }
      }
      return true;
    });
  }

  private void awaitReplicasInSync() {
    if (replicas == 0) {
      return;
    }
    awaitAll("replicas in sync", n -> {
      String info = n.command(c -> c.info("replication"));
      return info.contains("role:master") || info.contains("master_link_status:up")
          && !info.contains("master_sync_in_progress:1");
    });
  }

  /**
   * Waits, with Awaitility (the cluster's own gossip and failover: real concurrency), until
   * {@code ready} holds on every running node, a minute in all at most.
   */
  private void awaitAll(String what, Predicate<Node> ready) {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    for (Node n : nodes) {
      AtomicReference<String> problem = new AtomicReference<>("not yet");
      try {
        Awaitility.await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
            .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
            .until(() -> !n.isRunning() || test(ready, n, problem));
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("Redis Cluster " + name + ": node " + n + " not "
            + what + " within " + READY_WITHIN.toSeconds() + " s (" + problem.get() + "); "
            + "cluster info: " + safe(() -> n.command(c -> c.clusterInfo())) + "; see "
            + n.dir().resolve("redis.log"));
      }
    }
  }

  private static boolean test(Predicate<Node> ready, Node n, AtomicReference<String> problem) {
    try {
      return ready.test(n);
    } catch (RuntimeException e) {
      problem.set(e.toString()); // a node still starting, or just killed
      return false;
    }
  }

  private static String safe(java.util.function.Supplier<String> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  /** The running master that serves {@code key}'s slot, as that master sees it. */
  public Node masterOf(String key) {
    int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
    for (Node n : masters()) {
      String[] f = n.command(c -> c.clusterNodes()).lines()
          .filter(l -> l.contains("myself")).findFirst().orElseThrow().split(" ");
      for (int i = 8; i < f.length; i++) {
        String[] range = f[i].split("-");
        if (range[0].startsWith("[")) {
          continue; // a slot being migrated
        }
        int lo = Integer.parseInt(range[0]);
        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
        if (slot >= lo && slot <= hi) {
          return n;
        }
      }
    }
    throw new IllegalStateException("no running master serves slot " + slot + " of " + key);
  }

  /**
   * Kills the master serving {@code key}'s slot with SIGKILL and returns it; with replicas, one
   * of its replicas takes over after about {@code nodeTimeout} (see {@link #awaitOk}).
   */
  public Node killMasterOf(String key) {
    Node master = masterOf(key);
    master.kill();
    return master;
  }

  /**
   * Deletes every key of {@code prefix} on every running master (SCAN MATCH of the prefix on
   * each, then DEL key by key): nothing else is touched.
   *
   * @return how many keys were deleted
   */
  public long deleteKeys(String prefix) {
    KeyPrefix.require(prefix); // letters, digits and _: nothing SCAN MATCH would expand
    long deleted = 0;
    for (Node n : masters()) {
      deleted += n.command(c -> {
        long count = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        do {
          KeyScanCursor<String> page = c.scan(cursor, args);
          for (String key : page.getKeys()) {
            count += c.del(key); // one key per DEL: the keys of a page are in many slots
          }
          cursor = page;
        } while (!cursor.isFinished());
        return count;
      });
    }
    return deleted;
  }

  /** Kills every node (SIGKILL: a test cluster keeps nothing). Idempotent. */
  @Override
  public void close() {
    OPEN.remove(this);
    nodes.forEach(Node::kill);
  }

  @Override
  public String toString() {
    return "Redis Cluster " + name + " " + uri();
  }

  /** One node of the cluster. Thread-safe. */
  public static final class Node {
    private final RedisServers.Private server;

    private Node(RedisServers.Private server) {
      this.server = server;
    }

    /** Its loopback port. */
    public int port() {
      return server.port();
    }

    /** Its working directory ({@code nodes.conf}, AOF, {@code redis.log}). */
    public Path dir() {
      return server.dir();
    }

    /** Whether its process is running. */
    public boolean isRunning() {
      return server.isRunning();
    }

    /** Whether it is a master now (asks the node). */
    public boolean isMaster() {
      return command(c -> c.info("replication")).contains("role:master");
    }

    /** Kills it with SIGKILL and waits until the process is gone. */
    public void kill() {
      server.kill();
    }

    /** Runs {@code command} on a fresh connection to this node alone (not cluster-aware). */
    <T> T command(Command<T> command) {
      RedisURI uri = RedisURI.create(server.uri());
      uri.setTimeout(Duration.ofSeconds(5));
      RedisClient client = RedisClient.create(Resources.SHARED, uri);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        return command.run(c.sync());
      } finally {
        client.shutdown(0, 2, TimeUnit.SECONDS);
      }
    }

    @Override
    public String toString() {
      return "127.0.0.1:" + port();
    }
  }

  /** One set of Lettuce threads for the fixture's short-lived node connections. */
  private static final class Resources {
    static final io.lettuce.core.resource.ClientResources SHARED =
        io.lettuce.core.resource.DefaultClientResources.builder().ioThreadPoolSize(2)
            .computationThreadPoolSize(2).build();
  }

  /** A command on one node's connection. */
  @FunctionalInterface
  interface Command<T> {
    T run(RedisCommands<String, String> c);
  }

  private static final class Binaries {
    static String require(String name) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
      if (Files.isExecutable(Path.of("/usr/bin", name))) {
        return "/usr/bin/" + name;
      }
      String message = "Redis Cluster tests need " + name + ", which is not on the PATH or in "
          + "/usr/bin. Install Redis (Debian: apt-get install redis-server redis-tools).";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + message);
      }
      Assumptions.abort(message);
      return null;
    }
  }
}
