package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
  private static final int READ_TIMEOUT_MILLIS = 2_000;

  private EchoServer echo;
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    proxy = TcpProxy.start("127.0.0.1", echo.port());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void forward_healthy_echoesEveryByte() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      assertThat(roundTrip(s, "again")).isEqualTo("again");
    }
    assertThat(proxy.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void latency_set_delaysEachRoundTripByTwoChunks() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, "warm-up");
      proxy.latency(Duration.ofMillis(100));

      long start = System.nanoTime();
      assertThat(roundTrip(s, "slow")).isEqualTo("slow");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
          Duration.ofMillis(200));
    }
  }

  @Test
  void blackhole_set_forwardsNothingUntilHealed() throws IOException {
    try (Socket open = connect()) {
      roundTrip(open, "before");
      proxy.blackhole();
      Socket fresh = connect();
      send(open, "held");
      send(fresh, "new");

      open.setSoTimeout(300);
      fresh.setSoTimeout(300);
      assertThatThrownBy(() -> open.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThatThrownBy(() -> fresh.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      proxy.heal();

      assertThat(receive(open, 4)).isEqualTo("held");
      assertThat(receive(fresh, 3)).isEqualTo("new");
      fresh.close();
    }
  }

  @Test
  void reset_set_resetsOpenAndNewConnectionsUntilHealed() throws IOException {
    try (Socket open = connect()) {
      roundTrip(open, "before");
      proxy.reset();

      assertThatThrownBy(() -> roundTrip(open, "after")).isInstanceOf(IOException.class);
      try (Socket fresh = connect()) {
        assertThatThrownBy(() -> roundTrip(fresh, "new")).isInstanceOf(IOException.class);
      }
      proxy.heal();

      try (Socket healed = connect()) {
        assertThat(roundTrip(healed, "healed")).isEqualTo("healed");
      }
    }
  }

  @Test
  void cutMidCommit_commitSent_serverGetsItAndClientGetsNoAnswer() throws IOException {
    proxy.cutMidCommit(1.0, 1);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "set autocommit=0; READ COMMITTED")).contains("autocommit");

      send(s, "\u0003commit");

      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
    }
    assertThat(echo.awaitReceived("\u0003commit")).as("server received the commit").isTrue();
    assertThat(proxy.commitsCut()).isEqualTo(1);
  }

  @Test
  void cutMidCommit_wordSplitAcrossChunks_isFound() throws IOException {
    proxy.cutMidCommit(1.0, 1);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "x COM")).isEqualTo("x COM");
      send(s, "MIT;");

      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
    }
    assertThat(proxy.commitsCut()).isEqualTo(1);
  }

  @Test
  void cutMidCommit_zeroProbability_forwardsCommits() throws IOException {
    proxy.cutMidCommit(0.0, 1);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "COMMIT")).isEqualTo("COMMIT");
    }
    assertThat(proxy.commitsCut()).isZero();
  }

  @Test
  void close_openConnection_endsItAndStopsAccepting() throws IOException {
    Socket s = connect();
    roundTrip(s, "x");

    proxy.close();

    assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(IOException.class);
    assertThat(proxy.openConnections()).isZero();
    assertThatThrownBy(() -> roundTrip(connect(), "z")).isInstanceOf(IOException.class);
    s.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(proxy.host(), proxy.port());
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    send(s, text);
    return receive(s, text.length());
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads exactly {@code length} bytes; fails on end of stream. */
  private static String receive(Socket s, int length) throws IOException {
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    byte[] bytes = s.getInputStream().readNBytes(length);
    if (bytes.length < length) {
      throw new IOException("end of stream after " + bytes.length + " of " + length + " bytes");
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Echoes every connection's bytes back, and remembers all it received. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    EchoServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "echo-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    String received() {
      lock.lock();
      try {
        return received.toString(StandardCharsets.ISO_8859_1);
      } finally {
        lock.unlock();
      }
    }

    /** Waits (up to 2 s of real time) until what it received ends with {@code suffix}. */
    boolean awaitReceived(String suffix) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!received().endsWith(suffix)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      return true;
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> echo(s), "echo");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          // closed
        }
      }
    }

    private void echo(Socket s) {
      byte[] buf = new byte[1024];
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          lock.lock();
          try {
            received.write(buf, 0, n);
          } finally {
            lock.unlock();
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the proxy reset the connection
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
