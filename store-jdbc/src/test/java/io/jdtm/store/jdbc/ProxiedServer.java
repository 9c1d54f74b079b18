package io.jdtm.store.jdbc;

import io.jdtm.testkit.TcpProxy;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test server reached through a {@link TcpProxy}, with this test's own tables on it (created
 * directly, dropped on close). Not thread-safe.
 */
final class ProxiedServer implements AutoCloseable {
  private static final Pattern HOST_PORT =
      Pattern.compile("(jdbc:[a-z]+://)([^/:?#]+)(?::([0-9]+))?(.*)");

  private final ServerTables tables;
  private final TestServers.Server server;
  private final TcpProxy proxy;

  private ProxiedServer(ServerTables tables, TestServers.Server server, TcpProxy proxy) {
    this.tables = tables;
    this.server = server;
    this.proxy = proxy;
  }

  /**
   * Starts a proxy in front of {@code name} ({@code postgres} or {@code mariadb}) and creates
   * tables; skips (on CI, fails) the test when the server is missing.
   */
  static ProxiedServer start(String name, String purpose) {
    Supplier<TestServers.Server> s =
        name.equals("postgres") ? TestServers::postgres : TestServers::mariadb;
    ServerTables tables = new ServerTables(s, purpose);
    TestServers.Server server = tables.server();
    tables.emptyStore().close();
    Matcher m = matcher(server.url());
    int port = m.group(3) != null ? Integer.parseInt(m.group(3))
        : server.url().startsWith("jdbc:postgresql:") ? 5432 : 3306;
    return new ProxiedServer(tables, server, TcpProxy.start(m.group(2), port));
  }

  TcpProxy proxy() {
    return proxy;
  }

  /** A builder for the tables through the proxy, with the given network timeouts. */
  JdbcStore.Builder builder(Duration connectTimeout, Duration socketTimeout) {
    return builder(connectTimeout, socketTimeout, false);
  }

  /**
   * A builder as above; with {@code textCommits}, PostgreSQL's driver sends every COMMIT as text
   * for the proxy to see, instead of naming the statement it prepared after 5 uses.
   */
  JdbcStore.Builder builder(Duration connectTimeout, Duration socketTimeout,
      boolean textCommits) {
    Matcher m = matcher(server.url());
    String url = m.group(1) + proxy.host() + ":" + proxy.port() + m.group(4);
    if (textCommits && url.startsWith("jdbc:postgresql:")) {
      url += (url.contains("?") ? "&" : "?") + "prepareThreshold=0";
    }
    return JdbcStore.builder().url(url).credentials(server.user(), server.password())
        .tablePrefix(tables.prefix()).maxPoolSize(4)
        .connectTimeout(connectTimeout).socketTimeout(socketTimeout);
  }

  /** A store on the tables, directly (not through the proxy). */
  JdbcStore direct() {
    return tables.open();
  }

  private static Matcher matcher(String url) {
    Matcher m = HOST_PORT.matcher(url);
    if (!m.matches()) {
      throw new IllegalStateException("cannot find host and port in " + url);
    }
    return m;
  }

  @Override
  public void close() {
    proxy.close();
    tables.drop();
  }
}
