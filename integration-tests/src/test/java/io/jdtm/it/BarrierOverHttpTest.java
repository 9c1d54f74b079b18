package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A remote participant behind HTTP targets, with its own database and a {@link JdbcBarrier}: it
 * rebuilds each call's context from the query parameters ({@link BranchContext#fromQuery}), so
 * its barrier rows line up with the manager's ops: a failed action's compensation does nothing,
 * and a repeated request has no second effect.
 */
class BarrierOverHttpTest {
  private final String db = "jdbc:h2:mem:remote-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private final AtomicInteger businessRuns = new AtomicInteger();
  private HttpServer server;
  private String base;
  private JdbcBarrier barrier;
  private Connection keepAlive;
  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() throws Exception {
    keepAlive = DriverManager.getConnection(db);
    try (Statement s = keepAlive.createStatement()) {
      s.execute("CREATE TABLE account (name VARCHAR(20) PRIMARY KEY, balance BIGINT NOT NULL)");
      s.execute("INSERT INTO account VALUES ('alice', 100)");
    }
    barrier = JdbcBarrier.builder().url(db).createSchema(true).build();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/debit", ex -> serve(ex, -1));
    server.createContext("/debit-undo", ex -> serve(ex, +1));
    server.createContext("/refuse", ex -> reply(ex, 409, "{\"dtm_result\":\"FAILURE\"}"));
    server.createContext("/refuse-undo", ex -> serve(ex, 0));
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    h = new Harness();
    tm = h.manager("node");
  }

  @AfterEach
  void tearDown() throws SQLException {
    h.close();
    server.stop(0);
    barrier.close();
    keepAlive.close();
  }

  /** Moves {@code sign * 30} on alice's account under the barrier. */
  private void serve(HttpExchange ex, int sign) throws IOException {
    try {
      ex.getRequestBody().readAllBytes();
      BranchContext ctx = BranchContext.fromQuery(query(ex.getRequestURI().getRawQuery()));
      Outcome outcome = barrier.call(ctx, conn -> {
        businessRuns.incrementAndGet();
        try (PreparedStatement ps = conn.prepareStatement(
            "UPDATE account SET balance = balance + ? WHERE name = 'alice'")) {
          ps.setLong(1, sign * 30L);
          ps.executeUpdate();
        }
        return Outcome.success();
      });
      reply(ex, outcome.isSuccess() ? 200 : 409, outcome.isSuccess() ? "{}"
          : "{\"dtm_result\":\"FAILURE\"}");
    } catch (IllegalArgumentException e) {
      reply(ex, 400, e.getMessage());
    } catch (Exception e) {
      reply(ex, 500, e.toString());
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private long balance() throws SQLException {
    try (Statement s = keepAlive.createStatement();
         ResultSet rs = s.executeQuery("SELECT balance FROM account WHERE name = 'alice'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void sagaOverHttp_rolledBack_restoresTheBalanceAndSkipsTheRefusedStepsCompensation()
      throws Exception {
    String gid = tm.saga("remote-1")
        .step(base + "/debit", base + "/debit-undo", new Transfer("alice", 30))
        .step(base + "/refuse", base + "/refuse-undo", new Transfer("alice", 30))
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(balance()).isEqualTo(100);
    // debit and its undo ran; the refused step's undo was a null compensation.
    assertThat(businessRuns.get()).isEqualTo(2);
  }

  @Test
  void repeatedRequest_sameQuery_hasNoSecondEffect() throws Exception {
    String gid = tm.saga("remote-2")
        .step(base + "/debit", base + "/debit-undo", new Transfer("alice", 30))
        .submit();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);

    HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(base + "/debit?gid=remote-2&trans_type=saga&branch_id=01&op=action"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(balance()).isEqualTo(70);
    assertThat(businessRuns.get()).isEqualTo(1);
  }

  @Test
  void requestWithoutTheQuery_isRejectedNamingTheParameter() throws Exception {
    HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(base + "/debit?gid=remote-3&trans_type=saga&op=action"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("query parameter branch_id is missing");
    assertThat(balance()).isEqualTo(100);
  }
}
