package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jdtm.BranchFailedException;
import io.jdtm.CallResult;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP branch targets against a real HTTP server (the JDK's) on loopback. */
class HttpTargetTest {
  /** What the server received. */
  record Received(String path, String query, String contentType, String body) {}

  /** A scripted answer: status and body. */
  record Answer(int status, String body) {}

  private static final String JSON = "application/json";

  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final Map<String, Queue<Answer>> answers = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;
  private String base;
  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    h = new Harness(StoreFixture.local().get(0));
    // Generous: the first call in a JVM (HTTP client, codec) can take seconds on a loaded machine.
    tm = h.manager("http-node", b -> b.requestTimeout(Duration.ofSeconds(10)));
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    h.close();
    server.stop(0);
  }

  private void serve(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getPath();
    received.add(new Received(path, ex.getRequestURI().getQuery(),
        ex.getRequestHeaders().getFirst("Content-Type"), body));
    if (path.equals("/slow")) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Queue<Answer> queue = answers.get(path);
    Answer a = queue == null || queue.isEmpty() ? new Answer(200, "{}") : queue.poll();
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    if (a.status() == 302) {
      ex.getResponseHeaders().add("Location", base + "/ok");
    }
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  private void answer(String path, Answer... sequence) {
    answers.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(sequence));
  }

  private List<Received> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  private CallResult lastResult(String gid) {
    var events = h.branchEvents.stream().filter(e -> e.gid().equals(gid)).toList();
    return events.get(events.size() - 1).result();
  }

  @Test
  void success_postsPayloadWithDtmQueryParameters() {
    String gid = tm.saga("http-1")
        .step(base + "/ok?tenant=7", base + "/undo", new Transfer("A", 30))
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    Received r = at("/ok").get(0);
    assertThat(r.query()).isEqualTo("tenant=7&gid=http-1&trans_type=saga&branch_id=01&op=action");
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body()).isEqualTo("{\"account\":\"A\",\"amount\":30}");
  }

  @Test
  void tcc_overHttp_returnsTheTryBodyAndConfirms() {
    answer("/try", new Answer(200, "{\"reservation\":9}"));

    AtomicTry tried = new AtomicTry();
    String gid = tm.tcc(tcc -> tried.result = tcc.branch(base + "/try", base + "/confirm",
        base + "/cancel", new Transfer("A", 5)));

    assertThat(tried.result.result()).isEqualTo("{\"reservation\":9}");
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(at("/try")).singleElement().satisfies(r -> assertThat(r.query())
        .isEqualTo("gid=" + gid + "&trans_type=tcc&branch_id=01&op=try"));
    assertThat(at("/confirm")).hasSize(1);
    assertThat(at("/cancel")).isEmpty();
  }

  @Test
  void tcc_overHttp_refusedTry_cancelsEveryRegisteredBranch() {
    answer("/try2", new Answer(409, "no funds"));

    assertThatThrownBy(() -> tm.tcc("http-tcc-no").execute(tcc -> {
      tcc.branch(base + "/try1", base + "/confirm1", base + "/cancel1", new Transfer("A", 5));
      tcc.branch(base + "/try2", base + "/confirm2", base + "/cancel2", new Transfer("B", 5));
      tcc.branch(base + "/try3", base + "/confirm3", base + "/cancel3", new Transfer("C", 5));
    })).isInstanceOf(BranchFailedException.class).hasMessageContaining("HTTP 409: no funds");

    assertThat(tm.await("http-tcc-no", Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.FAILED);
    for (String branch : List.of("1", "2")) {
      String body = "{\"account\":\"" + (branch.equals("1") ? "A" : "B") + "\",\"amount\":5}";
      assertThat(at("/try" + branch)).singleElement().isEqualTo(new Received("/try" + branch,
          "gid=http-tcc-no&trans_type=tcc&branch_id=0" + branch + "&op=try", JSON, body));
      assertThat(at("/cancel" + branch)).singleElement().isEqualTo(new Received(
          "/cancel" + branch, "gid=http-tcc-no&trans_type=tcc&branch_id=0" + branch
          + "&op=cancel", JSON, body));
    }
    assertThat(received).extracting(Received::path).doesNotContain("/confirm1", "/confirm2",
        "/try3", "/confirm3", "/cancel3");
  }

  @Test
  void tcc_overHttp_failureBodyFromTry_cancels() {
    answer("/try", new Answer(200, "{\"dtm_result\":\"FAILURE\",\"message\":\"frozen\"}"));

    assertThatThrownBy(() -> tm.tcc("http-tcc-body").execute(tcc -> tcc.branch(base + "/try",
        base + "/confirm", base + "/cancel", new Transfer("A", 5))))
        .isInstanceOf(BranchFailedException.class)
        .satisfies(e -> assertThat(((BranchFailedException) e).result())
            .isEqualTo(CallResult.FAILURE));

    assertThat(tm.await("http-tcc-body", Duration.ofSeconds(10)).status())
        .isEqualTo(TxStatus.FAILED);
    assertThat(at("/cancel")).singleElement().satisfies(r -> assertThat(r.query())
        .isEqualTo("gid=http-tcc-body&trans_type=tcc&branch_id=01&op=cancel"));
    assertThat(at("/confirm")).isEmpty();
  }

  /** Holds what a try returned. */
  static final class AtomicTry {
    volatile io.jdtm.TryResult result;
  }

  @Test
  void msg_checkBackOverHttp_isAGetAndDecides() {
    answer("/check", new Answer(200, "SUCCESS"));
    tm.msg("http-msg").add(base + "/deliver", 1).checkBack(base + "/check").prepare();

    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();

    assertThat(h.status("http-msg")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(at("/check")).singleElement().satisfies(r -> {
      assertThat(r.query()).endsWith("&op=msg");
      assertThat(r.body()).isEmpty();
    });
    assertThat(at("/deliver")).hasSize(1);
  }

  @Test
  void conflict409_isFailure_andCompensationIsCalled() {
    answer("/refuse", new Answer(409, "no funds"));

    String gid = tm.saga().step(base + "/refuse", base + "/undo", new Transfer("A", 30)).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(tm.find(gid).orElseThrow().reason()).contains("HTTP 409: no funds");
    assertThat(at("/undo")).singleElement()
        .satisfies(r -> assertThat(r.query()).endsWith("&op=compensate"));
  }

  @Test
  void dtmResultFailureBody_isFailure() {
    answer("/refuse", new Answer(200, "{\"dtm_result\":\"FAILURE\",\"message\":\"x\"}"));

    String gid = tm.saga().step(base + "/refuse", base + "/undo", 1).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
  }

  @Test
  void tooEarly425AndOngoingBody_areOngoing() {
    answer("/job", new Answer(425, ""), new Answer(200, "{\"dtm_result\":\"ONGOING\"}"));

    String gid = tm.saga().step(base + "/job", base + "/undo", 1).submit();
    assertThat(lastResult(gid)).isEqualTo(CallResult.ONGOING);
    h.clock.advance(Harness.RETRY);
    tm.runRecoveryPass();
    assertThat(lastResult(gid)).isEqualTo(CallResult.ONGOING);
    h.clock.advance(Harness.RETRY);
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(at("/job")).hasSize(3);
  }

  @Test
  void serverError_isRetriedWithBackoff() {
    answer("/flaky", new Answer(500, "boom"), new Answer(503, ""));

    String gid = tm.saga().step(base + "/flaky", base + "/undo", 1).submit();
    assertThat(tm.find(gid).orElseThrow().branch("01", ACTION).lastError())
        .isEqualTo("HTTP 500: boom");
    for (int i = 0; i < 2; i++) {
      h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(at("/flaky")).hasSize(3);
  }

  @Test
  void redirect_isNotFollowed() {
    answer("/moved", new Answer(302, ""));

    String gid = tm.saga().step(base + "/moved", base + "/undo", 1).submit();

    assertThat(lastResult(gid)).isEqualTo(CallResult.UNKNOWN);
    assertThat(at("/ok")).isEmpty();
  }

  @Test
  void noAnswerInTime_isUnknown() {
    TransactionManager impatient = h.manager("impatient",
        b -> b.requestTimeout(Duration.ofMillis(500)));

    String gid = impatient.saga().step(base + "/slow", base + "/undo", 1).submit();

    assertThat(lastResult(gid)).isEqualTo(CallResult.UNKNOWN);
    assertThat(tm.find(gid).orElseThrow().branch("01", ACTION).lastError())
        .contains("timed out");
  }

  @Test
  void connectionRefused_isUnknown() throws IOException {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    String gid = tm.saga().step("http://127.0.0.1:" + port + "/x", base + "/undo", 1).submit();

    assertThat(lastResult(gid)).isEqualTo(CallResult.UNKNOWN);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
  }
}
