package io.jdtm.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One test class's own tables on a shared server: a table prefix unique to this run, so that
 * parallel runs never meet; created on first use, emptied for each new store, dropped at the end.
 * Nothing connects before first use, so a missing server only skips (or, on CI, fails) the tests.
 * Thread-safe.
 */
public final class ServerTables {
  private final Supplier<TestServers.Server> server;
  private final String prefix;
  private volatile boolean created;

  public ServerTables(Supplier<TestServers.Server> server, String purpose) {
    this.server = server;
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    this.prefix = ("it_" + purpose + "_" + HexFormat.of().formatHex(random) + "_")
        .toLowerCase(Locale.ROOT);
  }

  String prefix() {
    return prefix;
  }

  TestServers.Server server() {
    return server.get();
  }

  /** A store on this class's tables, emptied first. */
  public synchronized JdbcStore emptyStore() {
    if (!created) {
      JdbcStore store = builder().createSchema(true).build();
      created = true;
      return store;
    }
    execute("DELETE FROM " + prefix + "tx");
    return open();
  }

  /** A store on this class's tables as they are. */
  public JdbcStore open() {
    return builder().build();
  }

  /**
   * A store URI for this class's tables that {@link io.jdtm.Stores#open} accepts, credentials
   * included as URL parameters as they are (so keep it off command lines; a password with
   * {@code &} or {@code #} in it would need encoding).
   */
  public String storeUri() {
    TestServers.Server s = server();
    return s.url() + (s.url().contains("?") ? "&" : "?") + "user=" + s.user() + "&password="
        + s.password() + UriOptions.MARKER + UriOptions.TABLE_PREFIX + "=" + prefix;
  }

  /** A builder for this class's server and tables. */
  JdbcStore.Builder builder() {
    return server().builder().tablePrefix(prefix);
  }

  /** Records that a test created the tables itself, so that {@link #drop} drops them. */
  synchronized void created() {
    created = true;
  }

  /** Drops the tables, if they were created. */
  public synchronized void drop() {
    if (created) {
      execute("DROP TABLE IF EXISTS " + prefix + "tx",
          "DROP TABLE IF EXISTS " + prefix + "schema_version");
      created = false;
    }
  }

  void execute(String... statements) {
    try (Connection c = server().connect(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test fixture SQL failed: " + e.getMessage(), e);
    }
  }
}
