package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Unknown outcomes of branch calls in the log: WARN on attempts 1, 10, 100, ... of each branch op,
 * the stack trace only the first time, never a payload or an answer's text.
 */
class UnknownOutcomeLogTest {
  private static final String PAYLOAD_MARKER = "card-4242424242424242";
  private static final String ANSWER_MARKER = "answer-echo-7777";

  private Harness h;
  private HttpServer server;

  @BeforeEach
  void setUp() throws IOException {
    h = new Harness();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/broken", ex -> {
      byte[] body = ("{\"error\":\"" + ANSWER_MARKER + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(500, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    h.close();
    server.stop(0);
  }

  @Test
  void branchCall_handlerThrowsTwelveTimes_warnsOnAttemptsOneAndTenWithTheStackTraceOnce() {
    TransactionManager tm = h.manager("n", b -> b.handler("thrower", Map.class, (ctx, p) -> {
      throw new IllegalStateException("ledger offline");
    }));
    try (CapturedLogs.Capture logs = CapturedLogs.start()) {
      String gid = tm.saga().step("thrower", "thrower", Map.of("card", PAYLOAD_MARKER)).submit();
      retry(tm, 11);

      List<CapturedLogs.Event> warnings = warnings(logs, gid);
      assertThat(warnings).extracting(e -> e.message().replaceFirst("; retrying at .*", ""))
          .containsExactly(
              "gid=" + gid + " branch=01 op=action: outcome unknown on attempt 1: "
                  + "java.lang.IllegalStateException",
              "gid=" + gid + " branch=01 op=action: outcome unknown on attempt 10: "
                  + "java.lang.IllegalStateException");
      assertThat(warnings.get(0).error()).isInstanceOf(IllegalStateException.class)
          .hasMessage("ledger offline");
      assertThat(warnings.get(1).error()).isNull();
      assertThat(h.store.load(gid).orElseThrow().branches().get(0).attempts()).isEqualTo(12);
      assertThat(logs.events()).extracting(CapturedLogs.Event::printed)
          .noneMatch(line -> line.contains(PAYLOAD_MARKER));
    }
  }

  @Test
  void branchCall_httpErrorAnswer_warnsWithTheStatusButNotTheAnswer() {
    TransactionManager tm = h.manager("n");
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/broken";
    try (CapturedLogs.Capture logs = CapturedLogs.start()) {
      String gid = tm.saga().step(url, url, Map.of("card", PAYLOAD_MARKER)).submit();

      assertThat(warnings(logs, gid)).extracting(e -> e.message()
              .replaceFirst("; retrying at .*", ""))
          .containsExactly("gid=" + gid + " branch=01 op=action: outcome unknown on attempt 1: "
              + "HTTP 500");
      assertThat(warnings(logs, gid).get(0).error()).isNull();
      assertThat(logs.events()).filteredOn(e -> e.level().toInt() >= Level.INFO.toInt())
          .extracting(CapturedLogs.Event::printed)
          .noneMatch(line -> line.contains(PAYLOAD_MARKER) || line.contains(ANSWER_MARKER));
      assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    }
  }

  /** Lets {@code n} more attempts happen, one per recovery pass. */
  private void retry(TransactionManager tm, int n) {
    for (int i = 0; i < n; i++) {
      h.clock.advance(Duration.ofHours(1));
      assertThat(tm.runRecoveryPass().size()).as("claimed in pass %s", i).isEqualTo(1);
    }
  }

  private static List<CapturedLogs.Event> warnings(CapturedLogs.Capture logs, String gid) {
    return logs.events().stream()
        .filter(e -> e.level() == Level.WARN && e.message().contains("gid=" + gid)).toList();
  }
}
