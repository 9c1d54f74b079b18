package io.jdtm.it;

import static io.jdtm.BranchOp.COMPENSATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jdtm.BranchEvent;
import io.jdtm.CallResult;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP transport defects, against the JDK's HTTP server on loopback. */
class HttpAnswersTest {
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private String base;
  private Harness h;

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    h = new Harness();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    h.close();
    server.stop(0);
  }

  private void serve(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    String path = ex.getRequestURI().getPath();
    calls.merge(path, 1, Integer::sum);
    if (path.equals("/drip")) {
      // Headers and the first bytes of the body at once, then nothing (a stalled peer).
      ex.sendResponseHeaders(200, 0); // chunked
      OutputStream out = ex.getResponseBody();
      out.write("{\"dtm_res".getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    byte[] bytes = bodies.getOrDefault(path, "{}").getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  /**
   * A participant answering 200 with {"dtm_result":"FAILURE"} preceded by whitespace (what many
   * JSON writers and proxies emit) refuses the action; jdtm records SUCCESS and the saga
   * SUCCEEDS although the money never moved.
   */
  @Test
  void dtmFailureJsonWithLeadingWhitespace_isAFailureNotASuccess() {
    bodies.put("/refuse", "\n{\"dtm_result\":\"FAILURE\"}");
    TransactionManager tm = h.manager("http", b -> b.requestTimeout(Duration.ofSeconds(2)));

    String gid = tm.saga().step(base + "/refuse", base + "/undo", new Transfer("A", 30)).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
  }

  /**
   * DTM (RespAsErrorCompatible) treats any body containing FAILURE as a failure; DESIGN says the
   * mapping follows DTM. A plain-text FAILURE answer is recorded as SUCCESS.
   */
  @Test
  void dtmPlainTextFailureBody_isAFailureNotASuccess() {
    bodies.put("/refuse", "FAILURE");
    TransactionManager tm = h.manager("http", b -> b.requestTimeout(Duration.ofSeconds(2)));

    String gid = tm.saga().step(base + "/refuse", base + "/undo", new Transfer("A", 30)).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
  }

  /**
   * A compensation answering " {"dtm_result":"ONGOING"}" has not been done yet; jdtm records it
   * as SUCCEEDED and ends the saga FAILED with the first step's debit never undone.
   */
  @Test
  void compensationAnsweringOngoingWithLeadingSpace_isNotTakenAsDone() {
    bodies.put("/out", "{}");
    bodies.put("/in", "{\"dtm_result\":\"FAILURE\"}");
    bodies.put("/outUndo", " {\"dtm_result\":\"ONGOING\"}");
    TransactionManager tm = h.manager("http", b -> b.requestTimeout(Duration.ofSeconds(2)));

    String gid = tm.saga()
        .step(base + "/out", base + "/outUndo", new Transfer("A", -30))
        .step(base + "/in", base + "/inUndo", new Transfer("B", 30))
        .submit();

    assertThat(h.store.load(gid).orElseThrow().branch("01", COMPENSATE).orElseThrow().status())
        .as("compensation of 01 answered ONGOING").isEqualTo(io.jdtm.BranchStatus.PREPARED);
    assertThat(h.status(gid)).isEqualTo(TxStatus.ABORTING);
  }

  /**
   * DESIGN 6 / RELIABILITY: "timeouts on every call". HttpRequest.timeout only covers the
   * response headers; a peer that sends headers and then stalls the body hangs the call, the
   * drive thread and the transaction's in-flight slot forever.
   */
  @Test
  void stalledResponseBody_endsAsUnknownWithinTheRequestTimeout() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      TransactionManager tm = h.manager("http", b -> b.executor(pool)
          .requestTimeout(Duration.ofMillis(300)));

      String gid = tm.saga().step(base + "/drip", base + "/undo", new Transfer("A", 30)).submit();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (h.branchEvents.isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(h.branchEvents).as("a call outcome within 5 s for a 300 ms request timeout")
          .extracting(BranchEvent::result).containsExactly(CallResult.UNKNOWN);
      assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /**
   * A target with an out-of-range port must not pass submit: at call time the JDK client would
   * throw IllegalArgumentException, and the saga would be re-claimed every lease forever. It is
   * refused before anything is stored.
   */
  @Test
  void targetWithOutOfRangePort_isRejectedAtSubmit() {
    TransactionManager tm = h.manager("http", b -> b.requestTimeout(Duration.ofSeconds(2)));

    assertThatThrownBy(() -> tm.saga()
        .step("http://127.0.0.1:99999/x", "bankA", new Transfer("A", 30))
        .retryLimit(0)
        .submit())
        .isInstanceOf(io.jdtm.InvalidTransactionException.class)
        .hasMessageContaining("a port from 1 to 65535");
    assertThat(h.store.query(io.jdtm.spi.TxQuery.all(10)).records()).isEmpty();
    assertThat(h.branchEvents).isEmpty();
  }
}
