package io.jdtm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy for network-fault tests: listens on a free loopback port and forwards every
 * connection to a target, with faults switched on and off while connections are open.
 *
 * <ul>
 *   <li>{@link #latency}: each chunk read waits this long before it is forwarded, either way;
 *   <li>{@link #blackhole}: connections are accepted, but nothing is forwarded either way, not
 *       even a close; bytes read meanwhile are held and delivered after {@link #heal}, as TCP
 *       would retransmit them (new connections reach the target only then);
 *   <li>{@link #reset}: open connections and new ones are reset (SO_LINGER 0, then close);
 *   <li>{@link #cutMidCommit}: when the client sends {@code COMMIT} (case-insensitive, as a whole
 *       word, so {@code autocommit} and {@code COMMITTED} do not count), the client's connection is
 *       reset, the bytes go on to the server, and the server's answer is dropped before its
 *       connection is reset too: the client cannot tell whether the commit happened. The proxy
 *       sees bytes, not statements: a driver that runs a prepared COMMIT by name sends no such
 *       bytes (PostgreSQL's does after 5 uses on a connection unless {@code prepareThreshold=0}).
 *   <li>{@link #cutMidWrite}: as {@link #cutMidCommit}, and the words {@code INSERT} and {@code
 *       UPDATE} count too, since an auto-committed write is its own commit (a write inside a
 *       transaction that is cut merely rolls back).
 * </ul>
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432)) {
 *   String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test";
 *   proxy.blackhole();
 *   ...
 *   proxy.heal();
 * }
 * }</pre>
 *
 * <p>Thread-safe. Uses daemon threads (one acceptor, two per connection); {@link #close()} stops
 * them all.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int BUFFER = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /** How long a cut connection waits for the server's answer to drop before resetting. */
  private static final int CUT_ANSWER_WAIT_MILLIS = 2_000;

  private enum Fault { NONE, BLACKHOLE, RESET, CUT_COMMIT }

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private Fault fault = Fault.NONE;
  private long latencyNanos;
  private double cutProbability;
  private volatile boolean cutWrites;
  private Random cutRandom;
  private boolean closed;

  private TcpProxy(InetSocketAddress target, ServerSocket server) {
    this.target = target;
    this.server = server;
  }

  /**
   * Starts a proxy to {@code host:port} on a free port of 127.0.0.1.
   *
   * @throws UncheckedIOException when no port can be opened
   */
  public static TcpProxy start(String host, int port) {
    Objects.requireNonNull(host, "host");
    try {
      ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), socket);
      daemon("jdtm-proxy-accept-" + socket.getLocalPort(), proxy::acceptLoop).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a proxy port", e);
    }
  }

  /** The host to connect to instead of the target: 127.0.0.1. */
  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  /** The port to connect to instead of the target's. */
  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return links.size();
  }

  /** Commits cut so far by {@link #cutMidCommit}. */
  public long commitsCut() {
    return cuts.get();
  }

  /** Adds {@code perChunk} of delay before each chunk is forwarded; zero for none. */
  public TcpProxy latency(Duration perChunk) {
    if (perChunk.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + perChunk);
    }
    return change(() -> latencyNanos = perChunk.toNanos());
  }

  /** Stops forwarding anything, either way, on open and new connections, until {@link #heal}. */
  public TcpProxy blackhole() {
    return change(() -> fault = Fault.BLACKHOLE);
  }

  /** Resets every open connection now, and every new one until {@link #heal}. */
  public TcpProxy reset() {
    change(() -> fault = Fault.RESET);
    links.forEach(Link::reset);
    return this;
  }

  /**
   * Cuts each commit the client sends with {@code probability} (0 to 1), drawn from a generator
   * seeded with {@code seed}, until {@link #heal}.
   */
  public TcpProxy cutMidCommit(double probability, long seed) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be 0 to 1, was " + probability);
    }
    return change(() -> {
      fault = Fault.CUT_COMMIT;
      cutWrites = false;
      cutProbability = probability;
      cutRandom = new Random(seed);
    });
  }

  /**
   * As {@link #cutMidCommit}, and cuts auto-committed writes too: each {@code INSERT} or {@code
   * UPDATE} the client sends is cut with the same probability (and counted in {@link
   * #commitsCut}).
   */
  public TcpProxy cutMidWrite(double probability, long seed) {
    cutMidCommit(probability, seed);
    return change(() -> cutWrites = true);
  }

  /** Ends every fault and the latency; held bytes flow again. */
  public TcpProxy heal() {
    return change(() -> {
      fault = Fault.NONE;
      cutWrites = false;
      latencyNanos = 0;
    });
  }

  /** Stops accepting, resets every connection and ends every thread. Idempotent. */
  @Override
  public void close() {
    change(() -> closed = true);
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    links.forEach(Link::reset);
  }

  @Override
  public String toString() {
    return "TcpProxy[" + host() + ":" + port() + " -> " + target + "]";
  }

  private TcpProxy change(Runnable update) {
    lock.lock();
    try {
      update.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return this;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        Link link = new Link(client);
        links.add(link);
        daemon("jdtm-proxy-" + client.getPort() + "-up", () -> open(link)).start();
      } catch (IOException e) {
        // closed, or one failed accept: the loop condition decides
      }
    }
  }

  /** Connects the link to the target once the faults let it, then pumps both ways. */
  private void open(Link link) {
    try {
      Fault f = gate(false);
      if (f == Fault.RESET) {
        link.reset();
        return;
      }
      Socket upstream = new Socket();
      upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
      link.server = upstream;
      if (link.isReset()) {
        link.reset();
        return;
      }
      daemon("jdtm-proxy-" + link.client.getPort() + "-down", () -> pumpDown(link)).start();
      pumpUp(link);
    } catch (IOException | RuntimeException e) {
      link.reset();
    }
  }

  /** Client to server: watches for commits. */
  private void pumpUp(Link link) {
    byte[] buf = new byte[BUFFER];
    CommitMatcher matcher = new CommitMatcher();
    try {
      InputStream in = link.client.getInputStream();
      OutputStream out = link.server.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        Fault f = gate(true);
        if (f == Fault.RESET) {
          link.reset();
          return;
        }
        int found = matcher.scan(buf, n);
        boolean cut = f == Fault.CUT_COMMIT && ((found & CommitMatcher.COMMIT) != 0
            || (found & CommitMatcher.WRITE) != 0 && cutWrites) && drawCut();
        if (cut) {
          cuts.incrementAndGet(); // first: the client may look as soon as its socket closes
          link.cut(); // before the commit leaves, so that no answer can reach the client
        }
        out.write(buf, 0, n);
        out.flush();
        if (cut) {
          return;
        }
      }
      if (gate(false) == Fault.RESET) {
        link.reset();
        return;
      }
      link.server.shutdownOutput();
      link.finished();
    } catch (IOException e) {
      link.reset();
    }
  }

  /** Server to client: drops the answer to a cut commit. */
  private void pumpDown(Link link) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = link.server.getInputStream();
      OutputStream out = link.client.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (link.isCut() || gate(true) == Fault.RESET) {
          link.reset(); // after a cut commit, this is its answer: dropped
          return;
        }
        out.write(buf, 0, n);
        out.flush();
      }
      if (link.isCut() || gate(false) == Fault.RESET) {
        link.reset();
        return;
      }
      link.client.shutdownOutput();
      link.finished();
    } catch (IOException e) {
      link.reset(); // including a cut commit the server did not answer in time
    }
  }

  /**
   * Waits while the proxy is blackholed, then waits out the latency (for data, not for connects).
   *
   * @return the fault in force (RESET once closed)
   */
  private Fault gate(boolean data) {
    lock.lock();
    try {
      while (fault == Fault.BLACKHOLE && !closed) {
        changed.awaitUninterruptibly();
      }
      if (closed) {
        return Fault.RESET;
      }
      // Waiting on the condition, not sleeping, so that close() and heal() end the wait.
      for (long left = data ? latencyNanos : 0; left > 0 && latencyNanos > 0 && !closed; ) {
        left = changed.awaitNanos(left);
      }
      return closed ? Fault.RESET : fault;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Fault.RESET;
    } finally {
      lock.unlock();
    }
  }

  private boolean drawCut() {
    lock.lock();
    try {
      return cutRandom.nextDouble() < cutProbability;
    } finally {
      lock.unlock();
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** One proxied connection: the client's socket and, once connected, the server's. */
  private final class Link {
    final Socket client;
    volatile Socket server;
    private volatile boolean cut;
    private volatile boolean reset;
    private final AtomicLong directionsDone = new AtomicLong();

    Link(Socket client) {
      this.client = client;
    }

    /** Resets the client now; the server once its answer arrives or the wait for it ends. */
    void cut() {
      cut = true;
      abort(client);
      try {
        server.setSoTimeout(CUT_ANSWER_WAIT_MILLIS);
      } catch (IOException e) {
        reset();
      }
    }

    boolean isCut() {
      return cut;
    }

    boolean isReset() {
      return reset;
    }

    /** One direction reached end of stream; after both, the link closes normally. */
    void finished() {
      if (directionsDone.incrementAndGet() == 2) {
        close(client);
        close(server);
        links.remove(this);
      }
    }

    void reset() {
      reset = true;
      abort(client);
      Socket s = server;
      if (s != null) {
        abort(s);
      }
      links.remove(this);
    }

    private void abort(Socket s) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        // already closed: closing again below is harmless
      }
      close(s);
    }

    private void close(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }

  /**
   * Finds the word {@code COMMIT} (ASCII, any case, not inside a longer identifier) in a byte
   * stream read in chunks, including across chunk boundaries. Not thread-safe: one per stream.
   */
  private static final class CommitMatcher {
    static final int COMMIT = 1;
    static final int WRITE = 2;
    private static final byte[] WORD = {'c', 'o', 'm', 'm', 'i', 't'};
    /** Same length as {@link #WORD}, so one window serves all three. */
    private static final byte[][] WRITES = {{'i', 'n', 's', 'e', 'r', 't'},
        {'u', 'p', 'd', 'a', 't', 'e'}};
    private final byte[] window = new byte[BUFFER + WORD.length + 1];
    private int carried;

    /**
     * {@link #COMMIT} when {@code COMMIT} ends in this chunk, plus {@link #WRITE} when {@code
     * INSERT} or {@code UPDATE} does.
     */
    int scan(byte[] chunk, int n) {
      System.arraycopy(chunk, 0, window, carried, n);
      int length = carried + n;
      int found = 0;
      // Only matches that end in this chunk: those in the carried bytes were reported before. A
      // commit at the very end of a chunk counts, as statements end where chunks do.
      for (int i = Math.max(0, carried - WORD.length + 1); i + WORD.length <= length; i++) {
        if (matchesAt(WORD, i, length)) {
          found |= COMMIT;
        }
        for (byte[] write : WRITES) {
          if (matchesAt(write, i, length)) {
            found |= WRITE;
          }
        }
      }
      int keep = Math.min(length, WORD.length);
      System.arraycopy(window, length - keep, window, 0, keep);
      carried = keep;
      return found;
    }

    private boolean matchesAt(byte[] word, int i, int length) {
      if (i > 0 && isWordByte(window[i - 1])) {
        return false;
      }
      for (int k = 0; k < word.length; k++) {
        if (Character.toLowerCase((char) (window[i + k] & 0xff)) != word[k]) {
          return false;
        }
      }
      int after = i + word.length;
      return after == length || !isWordByte(window[after]);
    }

    private static boolean isWordByte(byte b) {
      return Character.isLetterOrDigit((char) (b & 0xff)) || b == '_';
    }
  }
}
