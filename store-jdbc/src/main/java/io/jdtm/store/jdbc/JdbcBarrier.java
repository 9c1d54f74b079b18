package io.jdtm.store.jdbc;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.spi.Names;
import io.jdtm.spi.StoreUriOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;

/**
 * The sub-transaction barrier in a participant's relational database (H2, PostgreSQL, MariaDB or
 * MySQL): one row per {@code (mode, gid, branch, op, barrier id)} in table {@code
 * <prefix>barrier}, written in the same local transaction as the business change, so that each
 * barrier call of a branch op takes effect at most once however often and in whatever order the
 * manager calls it (see {@link Barrier} for the rules, and for several calls in one op). The
 * table lives where the business data lives, which is usually not where the {@link JdbcStore} is,
 * so it is created and checked on its own.
 *
 * <pre>{@code
 * JdbcBarrier barrier = JdbcBarrier.builder().dataSource(appDataSource).createSchema(true).build();
 *
 * // in the handler of the saga action "transferOut":
 * return barrier.call(ctx, c -> {
 *   try (PreparedStatement s = c.prepareStatement(
 *       "UPDATE account SET balance = balance - ? WHERE id = ? AND balance >= ?")) {
 *     ...
 *     return s.executeUpdate() == 1 ? Outcome.success() : Outcome.failure("insufficient funds");
 *   }
 * });
 * }</pre>
 *
 * <p>Three ways to run the business:
 *
 * <ul>
 *   <li>{@link #call(BranchContext, LocalWork)}: the barrier takes a connection from its data
 *       source, turns auto-commit off, writes its rows, runs the business, commits on SUCCESS (or
 *       when it skipped the business) and rolls back otherwise, then closes the connection;
 *   <li>{@link #call(Connection, BranchContext, LocalWork)}: inside the caller's transaction. The
 *       barrier takes a savepoint, writes its rows on the caller's connection and runs the
 *       business; it never commits: the rows commit or roll back with the caller's transaction.
 *       On FAILURE, ONGOING or an exception it rolls back to the savepoint, undoing its rows and
 *       the business's changes made since, while the caller's earlier changes stay;
 *   <li>{@link #call(Handle, BranchContext, LocalWork)}: the same on a JDBI handle in a
 *       transaction ({@code jdbi.inTransaction(h -> barrier.call(h, ctx, work))}).
 * </ul>
 *
 * <p>The business must not commit, roll back or close the connection. The rows stay exactly when
 * the answer is SUCCESS or the business was skipped; a FAILURE, ONGOING or exception undoes them
 * with the business's changes, so that the next call runs the business again (ONGOING means the
 * op has not taken effect yet). A business returning {@code null} counts as a FAILURE.
 *
 * <p>Concurrency: a row is inserted only if its key is absent, in a way that is correct at the
 * database's default isolation level (PostgreSQL {@code INSERT ... ON CONFLICT DO NOTHING},
 * MariaDB/MySQL {@code INSERT IGNORE}, H2 a plain insert whose duplicate-key error means
 * "present"). Two calls for the same key therefore serialize on the unique key: the second waits
 * until the first's transaction ends, then skips the business if the first committed, or goes on
 * if it rolled back; the business never runs twice. A compensation or cancel racing its own
 * action or try serializes the same way on the action's row. A wait longer than the database's
 * lock timeout (H2 2 s by default, MariaDB 50 s, none on PostgreSQL) or a deadlock surfaces as an
 * exception: the outcome is unknown and the manager calls again. So does, in a caller's
 * transaction at an isolation level above the default, a serialization failure where the default
 * level would have waited (PostgreSQL's repeatable read does that).
 *
 * <p>2-phase messages: {@code call} with op {@link io.jdtm.BranchOp#MSG} (mode msg, branch {@code
 * 00}, its one barrier call, barrier id {@code 01} as in DTM) inserts the row {@code (msg, gid,
 * 00, msg, 01)} with reason {@code msg} before the local transaction's business. {@link
 * #queryPrepared} inserts the same key with reason {@code rollback}: if that insert wins, the
 * local transaction never committed and now never can. While the local transaction is still
 * running, its uncommitted row makes the check-back's insert wait until it ends: that wait is the
 * intended serialization; if it exceeds the lock timeout the check-back fails with an exception
 * (unknown) and the manager asks again later.
 *
 * <p>Errors: the barrier's own SQL failures come out of {@code call} and {@link #queryPrepared}
 * as a {@link SQLException} whose message names the step, the gid, branch and op and the database
 * (its URL without password), keeping the SQLState and vendor code; the business's exceptions
 * come out unchanged. Either way the local transaction (or, in the caller's, the part since the
 * savepoint) is rolled back, and the manager records the outcome as unknown and calls again.
 * Invalid gids and branch ids throw {@link io.jdtm.InvalidTransactionException} before any SQL.
 *
 * <p>Thread-safe: one barrier serves every thread; each call uses its own connection or the
 * caller's.
 */
public final class JdbcBarrier implements Barrier<Connection>, AutoCloseable {
  private final DataSource dataSource;
  private final OwnedPool pool;
  private final BarrierTx tx;
  private final BarrierRows rows;
  private final BarrierErrors errors;
  private final String database;
  private final String table;
  private volatile boolean closed;

  JdbcBarrier(DataSource dataSource, OwnedPool pool, BarrierTx tx, BarrierRows rows,
      BarrierErrors errors, String database, String table) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.tx = tx;
    this.rows = rows;
    this.errors = errors;
    this.database = database;
    this.table = table;
  }

  /** A builder; set one of {@code url} or {@code dataSource}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code work} under the barrier in a transaction of the barrier's own on a connection of
   * its data source, committed (or rolled back) when this returns.
   */
  @Override
  public Outcome call(BranchContext ctx, LocalWork<Connection> work) throws Exception {
    String barrierId = start(ctx, work);
    String call = BarrierTx.describe(ctx, barrierId);
    try (Connection c = errors.sql("taking a connection", call, dataSource::getConnection)) {
      return tx.owned(c, ctx, barrierId, work);
    }
  }

  /**
   * Runs {@code work} under the barrier inside the caller's transaction on {@code connection},
   * which must reach this barrier's database and have auto-commit off. Does not commit: the rows
   * commit or roll back with the caller's transaction. A FAILURE, ONGOING or exception rolls back
   * to a savepoint taken before the rows were written.
   *
   * @throws IllegalStateException when {@code connection} is in auto-commit mode
   */
  public Outcome call(Connection connection, BranchContext ctx, LocalWork<Connection> work)
      throws Exception {
    Objects.requireNonNull(connection, "connection");
    String barrierId = start(ctx, work);
    return tx.nested(connection, connection, ctx, barrierId, work);
  }

  /**
   * {@link #call(Connection, BranchContext, LocalWork)} on a JDBI handle that is in a transaction
   * ({@code jdbi.inTransaction(h -> barrier.call(h, ctx, work))}); {@code work} gets the handle.
   *
   * @throws IllegalStateException when the handle's connection is in auto-commit mode
   */
  public Outcome call(Handle handle, BranchContext ctx, LocalWork<Handle> work) throws Exception {
    Objects.requireNonNull(handle, "handle");
    String barrierId = start(ctx, work);
    return tx.nested(handle.getConnection(), handle, ctx, barrierId, work);
  }

  /**
   * The check-back of message {@code gid}, in a transaction of its own: SUCCESS when the local
   * transaction committed its row; FAILURE when it did not, after which it never can (its
   * {@code call} answers FAILURE without running the business). Waits while the local transaction
   * is still running. The same answer every time it is asked.
   */
  @Override
  public Outcome queryPrepared(String gid) throws Exception {
    Names.requireGid(gid);
    requireOpen();
    try (Connection c = errors.sql("taking a connection", "[gid=" + gid + " check-back]",
        dataSource::getConnection)) {
      return tx.checkBack(c, gid);
    }
  }

  /**
   * Deletes the barrier rows created before {@code cutoff}, in batches each committed on its own.
   *
   * <p>Only safe for transactions that finished longer ago than the oldest request that could
   * still arrive (RELIABILITY I-16): once a row is gone, a late duplicate runs its business again
   * and a late action after its compensation is no longer blocked. Choose a cutoff well beyond the
   * manager's longest retry and timeout horizon and any network delay, e.g. days.
   *
   * @return how many rows were deleted
   */
  public long purgeOlderThan(Instant cutoff) throws SQLException {
    Objects.requireNonNull(cutoff, "cutoff");
    requireOpen();
    String call = "[purge before " + cutoff + "]";
    try (Connection c = errors.sql("taking a connection", call, dataSource::getConnection)) {
      return errors.sql("purging " + table, call, () -> rows.purge(c, cutoff.toEpochMilli()));
    }
  }

  /** Closes the pool the barrier opened for a URL; a given DataSource stays open. */
  @Override
  public void close() {
    closed = true;
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcBarrier[" + database + ", table " + table + "]";
  }

  /** Checks a call's arguments and takes its barrier id. */
  private String start(BranchContext ctx, LocalWork<?> work) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(work, "work");
    BarrierRows.validate(ctx);
    requireOpen();
    return ctx.nextBarrierId();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the JDBC barrier on " + database + " is closed");
    }
  }

  /**
   * Configures a {@link JdbcBarrier}; each setting is checked when set, and {@link #build()}
   * connects. Not thread-safe.
   */
  public static final class Builder {
    private String url;
    private String user;
    private String password;
    private DataSource dataSource;
    private String tablePrefix = Tables.DEFAULT_PREFIX;
    private boolean createSchema;
    private int maxPoolSize = 10;
    private Duration connectTimeout;
    private Duration socketTimeout;
    private Clock clock = Clock.systemUTC();
    private boolean allowH2CodeSettings;

    private Builder() {}

    /**
     * A JDBC URL ({@code jdbc:h2:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code
     * jdbc:mysql:}); the barrier opens a HikariCP pool for it and closes it with the barrier. The
     * options of {@link JdbcStore.Builder#url} may follow after {@code #}. As for the store, an H2
     * file or server URL that does not set {@code WRITE_DELAY} gets {@code ;WRITE_DELAY=0}, so
     * that a commit reaches the file before it returns (see docs/durability.md).
     *
     * @throws IllegalArgumentException when the URL is not one of these or an option is invalid
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      UriOptions parsed = UriOptions.parse(url);
      if (Dialect.ofUrl(parsed.jdbcUrl()).isEmpty()) {
        throw new IllegalArgumentException("unsupported JDBC URL '" + io.jdtm.Stores.redact(url)
            + "': use jdbc:h2:, jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:");
      }
      JdbcUrls.requireNamedH2Memory(parsed.jdbcUrl());
      parsed.options().forEach(this::option);
      this.url = parsed.jdbcUrl();
      return this;
    }

    private void option(String name, String value) {
      switch (name) {
        case UriOptions.TABLE_PREFIX -> tablePrefix(value);
        case UriOptions.CREATE_SCHEMA -> createSchema(StoreUriOptions.bool(name, value));
        case UriOptions.MAX_POOL_SIZE -> maxPoolSize(StoreUriOptions.positiveInt(name, value));
        case UriOptions.CONNECT_TIMEOUT -> connectTimeout(StoreUriOptions.duration(name, value));
        case UriOptions.SOCKET_TIMEOUT -> socketTimeout(StoreUriOptions.duration(name, value));
        default -> throw new IllegalStateException("option " + name + " passed the parser");
      }
    }

    /** User and password for {@link #url}, unless the URL carries them. Never logged. */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = password;
      return this;
    }

    /**
     * A data source the caller owns (and closes): the participant's own database, usually. Its
     * settings are not changed; {@link #build()} logs a WARN when it is an H2 file database whose
     * commits are not write-through ({@code WRITE_DELAY} other than 0).
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Prefix of the table name (default {@code jdtm_}): table {@code <prefix>barrier}. The rule is
     * the store's, so that one prefix serves both.
     *
     * @throws IllegalArgumentException unless it matches {@code [A-Za-z_][A-Za-z0-9_]{0,48}} (so
     *     that every table and index name stays within 63 characters)
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Tables.requireValidPrefix(prefix);
      return this;
    }

    /**
     * Whether {@link #build()} creates the barrier table and its index if missing (default false:
     * it only checks that the table is there). Idempotent; creates none of the store's tables.
     * {@link JdbcSchema#barrierDdl} prints the DDL.
     */
    public Builder createSchema(boolean create) {
      this.createSchema = create;
      return this;
    }

    /** Largest number of connections of the pool opened for {@link #url} (default 10). */
    public Builder maxPoolSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + size);
      }
      this.maxPoolSize = size;
      return this;
    }

    /**
     * As {@link JdbcStore.Builder#connectTimeout}, for the pool opened for {@link #url}.
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Timeouts.require(timeout, Timeouts.MIN_CONNECT, "connectTimeout");
      return this;
    }

    /**
     * As {@link JdbcStore.Builder#socketTimeout}, for the pool opened for {@link #url}; it also
     * bounds each statement of the business and a check-back's wait for a running local
     * transaction, so keep it above both.
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = Timeouts.require(timeout, Timeouts.MIN_SOCKET, "socketTimeout");
      return this;
    }

    /**
     * As {@link JdbcStore.Builder#allowH2CodeSettings}, for {@link #url}: whether an H2 URL may
     * hold settings that run code when a connection opens ({@code INIT}, {@code
     * DATABASE_EVENT_LISTENER}, {@code JAVA_OBJECT_SERIALIZER}; default false, and no URI option).
     */
    public Builder allowH2CodeSettings(boolean allow) {
      this.allowH2CodeSettings = allow;
      return this;
    }

    /** The clock that stamps {@code created_at} (default the system clock, UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Connects, creates or checks the barrier table, and returns the barrier.
     *
     * @throws IllegalStateException when not exactly one of url and dataSource is set,
     *     credentials or timeouts are given without a URL, or the table is missing or lacks the
     *     barrier's columns
     * @throws IllegalArgumentException when an H2 URL holds a setting that runs code and {@link
     *     #allowH2CodeSettings} was not set
     * @throws io.jdtm.StoreUnavailableException when the database cannot be reached, refuses the
     *     credentials, or the table cannot be created
     */
    public JdbcBarrier build() {
      int sources = (url != null ? 1 : 0) + (dataSource != null ? 1 : 0);
      if (sources != 1) {
        throw new IllegalStateException("set exactly one of url and dataSource; " + sources
            + " are set");
      }
      if (url == null && (user != null || connectTimeout != null || socketTimeout != null)) {
        throw new IllegalStateException("credentials and timeouts apply to a url; configure them "
            + "on the DataSource instead");
      }
      if (url != null) {
        JdbcUrls.requireNoH2CodeSettings(url, allowH2CodeSettings);
      }
      Timeouts timeouts = new Timeouts(
          connectTimeout != null ? connectTimeout : Timeouts.DEFAULT_CONNECT,
          socketTimeout != null ? socketTimeout : Timeouts.DEFAULT_SOCKET);
      return BarrierConnector.open(new BarrierConnector.Settings(url, user, password, dataSource,
          new Tables(tablePrefix), createSchema, maxPoolSize, timeouts, clock));
    }
  }
}
