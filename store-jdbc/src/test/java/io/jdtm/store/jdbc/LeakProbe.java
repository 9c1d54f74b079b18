package io.jdtm.store.jdbc;

import io.jdtm.Outcome;
import io.jdtm.Stores;
import io.jdtm.TransactionManager;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.TestRecords;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the JDBC store (and, on H2, the barrier) fail in every way {@link SecretLeakTest} and {@link SecretLeakIT} look at,
 * in a JVM of its own that logs everything at TRACE: connect failures with a password in each URL
 * form, and writes that fail inside the batch, or on the transaction's own row, with a payload and
 * the transaction's custom data (a text column) holding {@link #MARKER}. Prints each
 * exception as a caller might show it: {@code toString()}, {@code printStackTrace()} (causes and
 * suppressed) and {@code log.error("...", e)}.
 *
 * <p>Arguments: {@code h2 DIRECTORY} (for a database file), or {@code postgres|mariadb URL USER
 * TABLE_PREFIX} with the server's password in {@link #PASSWORD_ENV}; the server's tables must
 * exist, with the constraints of {@link #checks} added.
 */
final class LeakProbe {
  static final String SECRET = "S3cretPW4-leak";
  static final String MARKER = "PAYLOAD-MARKER-7f3a";
  static final String PASSWORD_ENV = "JDTM_LEAK_SERVER_PASSWORD";
  /** Every line of a scenario's report starts so; then its name and what it threw. */
  static final String SCENARIO = "SCENARIO ";
  /** The target of the branch op whose payload is too large for the constraint. */
  static final String REFUSED_TARGET = "handler:refused";
  /** Branch definitions longer than this the database refuses: stands in for a full disk. */
  static final int REFUSED_LENGTH = 8000;
  /** Custom data holding this makes the database refuse the transaction's row. */
  static final String REFUSED_TX = "tx-refused";
  private static final Logger log = LoggerFactory.getLogger(LeakProbe.class);
  private static final List<Connection> KEEPERS = new ArrayList<>();

  private LeakProbe() {}

  /**
   * The constraints that make the transaction's insert fail for branch definitions longer than
   * {@link #REFUSED_LENGTH} (a large payload), and for custom data holding {@link #REFUSED_TX}.
   */
  static List<String> checks(String prefix) {
    return List.of(
        "ALTER TABLE " + prefix + "tx ADD CONSTRAINT " + prefix + "leak_check CHECK "
            + "(OCTET_LENGTH(branches) < " + REFUSED_LENGTH + ")",
        "ALTER TABLE " + prefix + "tx ADD CONSTRAINT " + prefix + "leak_tx_check CHECK "
            + "(custom_data NOT LIKE '%" + REFUSED_TX + "%')");
  }

  public static void main(String[] args) throws Exception {
    Map<String, Supplier<Object>> scenarios = args[0].equals("h2") ? h2(args[1])
        : server(args[0], args[1], args[2], System.getenv(PASSWORD_ENV), args[3]);
    scenarios.forEach(LeakProbe::run);
    System.out.println(SCENARIO + "count " + scenarios.size());
  }

  /** The scenario names, in order, that {@code main} runs for {@code kind}. */
  static List<String> names(String kind) {
    return switch (kind) {
      case "h2" -> List.of("h2-url-password-wrong", "h2-file-url-password-wrong",
          "h2-credentials-wrong",
          "h2-tcp-bad-port-url-password", "h2-write-url", "h2-write-tx-url", "h2-write-manager",
          "h2-barrier-file-url-password-wrong", "h2-barrier-credentials-wrong");
      case "postgres" -> List.of("postgres-userinfo-unknown-user", "postgres-password-param",
          "postgres-sslpassword-bad-port", "postgres-userinfo-unreachable",
          "postgres-credentials-bad-port", "postgres-write-url", "postgres-write-datasource",
          "postgres-write-tx-url", "postgres-write-tx-datasource", "postgres-write-manager");
      default -> List.of("mariadb-userinfo-wrong-password", "mariadb-password-param",
          "mariadb-userinfo-bad-port", "mariadb-userinfo-unreachable", "mysql-userinfo-wrong-password",
          "mysql-password-param-bad-port", "mariadb-write-url", "mysql-write-url",
          "mariadb-write-tx-url", "mariadb-write-manager");
    };
  }

  private static void run(String name, Supplier<Object> scenario) {
    try {
      Object result = scenario.get();
      System.out.println(SCENARIO + name + " did not fail: " + result);
    } catch (RuntimeException e) {
      System.out.println(SCENARIO + name + " threw " + e.getClass().getName());
      System.out.println(e);
      e.printStackTrace(System.out);
      log.error("scenario {} failed", name, e);
    }
  }

  private static Map<String, Supplier<Object>> h2(String dir) throws SQLException {
    String guarded = "jdbc:h2:mem:leak-guarded";
    // Both held open until the JVM exits. The first has a password other than SECRET.
    KEEPERS.add(DriverManager.getConnection(guarded, "sa", "right"));
    String writes = "jdbc:h2:mem:leak-writes";
    KEEPERS.add(DriverManager.getConnection(writes));
    JdbcStore.builder().url(writes).createSchema(true).build().close();
    try (Statement st = KEEPERS.get(1).createStatement()) {
      for (String check : checks(Tables.DEFAULT_PREFIX)) {
        st.execute(check);
      }
    }
    Map<String, Supplier<Object>> s = new LinkedHashMap<>();
    s.put("h2-url-password-wrong", () -> Stores.open(guarded + ";USER=sa;PASSWORD=" + SECRET));
    String file = "jdbc:h2:file:" + dir + "/guarded";
    DriverManager.getConnection(file, "sa", "right").close();
    s.put("h2-file-url-password-wrong",
        () -> Stores.open(file + ";USER=sa;PASSWORD=" + SECRET));
    s.put("h2-credentials-wrong",
        () -> JdbcStore.builder().url(guarded).credentials("sa", SECRET).build());
    s.put("h2-tcp-bad-port-url-password",
        () -> Stores.open("jdbc:h2:tcp://127.0.0.1:1/mem:x;USER=sa;PASSWORD=" + SECRET));
    s.put("h2-write-url", () -> create(Stores.open(writes)));
    s.put("h2-write-tx-url", () -> createRefusedTx(Stores.open(writes)));
    s.put("h2-write-manager", () -> submit(Stores.open(writes)));
    s.put("h2-barrier-file-url-password-wrong",
        () -> JdbcBarrier.builder().url(file + ";USER=sa;PASSWORD=" + SECRET).build());
    s.put("h2-barrier-credentials-wrong",
        () -> JdbcBarrier.builder().url(guarded).credentials("sa", SECRET).build());
    return s;
  }

  private static Map<String, Supplier<Object>> server(String kind, String url, String user,
      String password, String prefix) {
    String hostPort = url.replaceAll("^[^/]*//([^/]*)/.*$", "$1");
    String scheme = url.substring(0, url.indexOf("//") + 2);
    String path = url.substring(url.indexOf("//") + 2 + hostPort.length());
    Map<String, Supplier<Object>> s = new LinkedHashMap<>();
    String fast = "#jdtm.connectTimeout=1s";
    if (kind.equals("postgres")) {
      s.put("postgres-userinfo-unknown-user",
          () -> Stores.open(scheme + "nobody_leak:" + SECRET + "@" + hostPort + path));
      s.put("postgres-password-param",
          () -> Stores.open(url + "?user=nobody_leak&password=" + SECRET));
      s.put("postgres-sslpassword-bad-port", () -> Stores.open(scheme + "127.0.0.1:1" + path
          + "?user=nobody_leak&password=" + SECRET + "&sslpassword=" + SECRET + fast));
      s.put("postgres-userinfo-unreachable", () -> Stores.open(
          scheme + "nobody_leak:" + SECRET + "@192.0.2.1:5432" + path + fast));
      s.put("postgres-credentials-bad-port", () -> JdbcStore.builder()
          .url(scheme + "127.0.0.1:1" + path + fast).credentials("nobody_leak", SECRET).build());
      s.put("postgres-write-url", () -> create(store(url, user, password, prefix)));
      s.put("postgres-write-datasource",
          () -> create(postgresDataSource(url, user, password, prefix)));
      s.put("postgres-write-tx-url", () -> createRefusedTx(store(url, user, password, prefix)));
      // A DataSource of the caller's: PostgreSQL's "Failing row contains (...)" detail is on.
      s.put("postgres-write-tx-datasource",
          () -> createRefusedTx(postgresDataSource(url, user, password, prefix)));
      s.put("postgres-write-manager", () -> submit(store(url, user, password, prefix)));
      return s;
    }
    String mysql = scheme.replace("jdbc:mariadb:", "jdbc:mysql:");
    s.put("mariadb-userinfo-wrong-password",
        () -> Stores.open(scheme + user + ":" + SECRET + "@" + hostPort + path));
    s.put("mariadb-password-param",
        () -> Stores.open(url + "?user=" + user + "&password=" + SECRET));
    s.put("mariadb-userinfo-bad-port",
        () -> Stores.open(scheme + user + ":" + SECRET + "@127.0.0.1:1" + path + fast));
    s.put("mariadb-userinfo-unreachable",
        () -> Stores.open(scheme + user + ":" + SECRET + "@192.0.2.1:3306" + path + fast));
    s.put("mysql-userinfo-wrong-password",
        () -> Stores.open(mysql + user + ":" + SECRET + "@" + hostPort + path));
    s.put("mysql-password-param-bad-port", () -> Stores.open(
        mysql + "127.0.0.1:1" + path + "?user=" + user + "&password=" + SECRET + fast));
    s.put("mariadb-write-url", () -> create(store(url, user, password, prefix)));
    s.put("mysql-write-url",
        () -> create(store(mysql + hostPort + path, user, password, prefix)));
    s.put("mariadb-write-tx-url", () -> createRefusedTx(store(url, user, password, prefix)));
    s.put("mariadb-write-manager", () -> submit(store(url, user, password, prefix)));
    return s;
  }

  private static JdbcStore store(String url, String user, String password, String prefix) {
    return JdbcStore.builder().url(url).credentials(user, password).tablePrefix(prefix).build();
  }

  private static JdbcStore postgresDataSource(String url, String user, String password,
      String prefix) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    ds.setPassword(password);
    return JdbcStore.builder().dataSource(ds).tablePrefix(prefix).build();
  }

  /** A create the database refuses for its second branch op's large payload. */
  private static Object create(TransactionStore store) {
    return create(store, "{\"card\":\"" + MARKER + "\"}");
  }

  /** A create whose transaction row the database refuses. */
  private static Object createRefusedTx(TransactionStore store) {
    return create(store, "{\"card\":\"" + MARKER + "\",\"note\":\"" + REFUSED_TX + "\"}");
  }

  private static Object create(TransactionStore store, String customData) {
    try (store) {
      byte[] payload = ("{\"note\":\"" + MARKER + "\"}").getBytes(StandardCharsets.UTF_8);
      byte[] large = ("{\"note\":\"" + MARKER.repeat(REFUSED_LENGTH / MARKER.length()) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      Instant now = Instant.now();
      TxRecord r = TestRecords.saga("leak-" + System.nanoTime(), now, now).toBuilder()
          .customData(customData)
          .branches(List.of(
              BranchRecord.prepared("01", io.jdtm.BranchOp.ACTION, "handler:ok", payload,
                  List.of()),
              BranchRecord.prepared("01", io.jdtm.BranchOp.COMPENSATE, REFUSED_TARGET, large,
                  List.of())))
          .build();
      return store.create(r);
    }
  }

  /** The same through the manager's submit. */
  private static Object submit(TransactionStore store) {
    try (store; TransactionManager tm = TransactionManager.builder().store(store)
        .handler("ok", Map.class, (ctx, p) -> Outcome.success())
        .handler("refused", Map.class, (ctx, p) -> Outcome.success())
        .build()) {
      return tm.saga().step("ok", "refused",
          Map.of("note", MARKER.repeat(REFUSED_LENGTH / MARKER.length()))).submit();
    }
  }
}
