package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.StoreUriOptions;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A durable {@link TransactionStore} in a relational database: H2 (embedded, file or server),
 * PostgreSQL, MariaDB and MySQL. Each record is one row of {@code <prefix>tx}; its branch ops'
 * definitions are one binary column ({@code branches}, written at create and when branches are
 * added) and their progress another ({@code progress}, rewritten by every write). A create is one
 * {@code INSERT}, an update one {@code UPDATE} with a compare-and-set on version and status (each
 * auto-committed), and {@link #apply} one JDBC batch of them in one transaction; a load and a
 * claim read one row per record. Times are stored as epoch milliseconds.
 *
 * <pre>{@code
 * TransactionStore store = JdbcStore.builder()
 *     .url("jdbc:postgresql://db:5432/app")
 *     .credentials("app", secret)
 *     .tablePrefix("jdtm_")
 *     .createSchema(true)
 *     .build();
 * }</pre>
 *
 * <p>Or by URI through {@link io.jdtm.Stores#open(String)}, with jdtm's options after {@code
 * #jdtm.}: {@code jdbc:h2:./data/jdtm#jdtm.createSchema=true&jdtm.tablePrefix=app_}.
 *
 * <p>Network timeouts: with a pool it opens for a URL, every call returns or fails with {@link
 * StoreUnavailableException} within a bound even when the network drops packets or connections.
 * {@link Builder#connectTimeout} (default 10 s) bounds taking a connection (HikariCP's connection
 * timeout and the driver's connect timeout); {@link Builder#socketTimeout} (default 30 s) bounds
 * each wait for the database's answer (the PostgreSQL and MariaDB/MySQL drivers' {@code
 * socketTimeout}). A call that finds the network silent thus fails after about {@code
 * connectTimeout + socketTimeout}; a slow but answering network only makes calls slower. A
 * timeout set in the JDBC URL itself wins. For a given DataSource or Jdbi, configure timeouts
 * there. A write whose answer was lost fails although it may have committed; the engine reads
 * the record back to tell.
 *
 * <p>Unreadable records: a row holding a value jdtm never writes (an unknown status or mode, a
 * {@code branches} or {@code progress} value that does not parse, malformed options, a version
 * below 1 or a negative lease epoch; left by a hand edit, another tool or a newer jdtm) makes its record unreadable, and only that record.
 * {@link #claimDue} leases and returns the other due records; it <em>parks</em> the unreadable one
 * (a compare-and-set on its version sets {@code lease_owner} to {@code (unreadable)} and {@code
 * next_due_at} 15 minutes ahead, so it is
 * neither returned nor claimed again until then) and logs an ERROR naming the gid, the column and
 * what is wrong, never the payloads (a WARN each later time). {@link #load} of it throws a {@link
 * io.jdtm.JdtmException} saying the same; {@link #query} leaves it out. To retry a repaired record
 * at once, set its {@code next_due_at} to now; {@code SELECT gid FROM <prefix>tx WHERE
 * lease_owner = '(unreadable)'} lists the parked records.
 *
 * <p>Thread-safe.
 */
public final class JdbcStore implements TransactionStore {
  private final Db db;
  private final Dialect dialect;
  private final Tables tables;
  private final Set<StoreCapability> capabilities;
  private final OwnedPool pool;
  private final Writes writes;
  private final Reads reads;
  private final Claims claims;
  private final Purge purge;
  private final String everyRecord;

  JdbcStore(Db db, Dialect dialect, Sql sql, Tables tables, Set<StoreCapability> capabilities,
      OwnedPool pool) {
    this.db = db;
    this.dialect = dialect;
    this.tables = tables;
    this.capabilities = Set.copyOf(capabilities);
    this.pool = pool;
    Unreadables unreadables = new Unreadables();
    this.writes = new Writes(sql);
    this.reads = new Reads(sql, unreadables);
    this.claims = new Claims(dialect, sql, reads, unreadables);
    this.purge = new Purge(sql);
    this.everyRecord = sql.everyRecord;
  }

  /** A builder; set one of {@code url}, {@code dataSource} or {@code jdbi}. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@inheritDoc} One auto-committed {@code INSERT}; only a gid that exists is read back. */
  @Override
  public CreateResult create(TxRecord record) {
    for (int attempt = 1; attempt <= Db.MAX_ATTEMPTS; attempt++) {
      if (db.autoCommitPlain("create", record.gid(), c -> writes.insert(c, record))) {
        return CreateResult.created(record);
      }
      Optional<TxRecord> existing = load(record.gid());
      if (existing.isPresent()) {
        return CreateResult.exists(existing.get());
      }
      // Purged between the insert and the load: insert again.
    }
    throw new StoreUnavailableException("the record exists but vanished whenever it was read; "
        + "creating it again is safe", record.gid(), null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The same statements as {@link #create}, on {@code connection}; a record with the gid that
   * the caller's transaction can see is returned as it sees it. Declared by every JDBC store
   * ({@link StoreCapability#CALLER_TRANSACTION}); the connection must reach this store's tables,
   * {@link #tables() with its prefix}.
   */
  @Override
  public CreateResult createIn(Connection connection, TxRecord record) {
    Objects.requireNonNull(connection, "connection");
    db.requireOpen();
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException("the connection is in auto-commit mode: open a transaction"
            + " (setAutoCommit(false)) so that the message commits with it");
      }
      if (dialect == Dialect.MARIADB) {
        // Read first: on an existing gid, MariaDB's insert would lock that record until the
        // caller's transaction ends, and its marking trick would change the caller's
        // LAST_INSERT_ID().
        Optional<TxRecord> existing = reads.load(connection, record.gid());
        if (existing.isPresent()) {
          return CreateResult.exists(existing.get());
        }
      }
      if (writes.insert(connection, record)) {
        return CreateResult.created(record);
      }
      return CreateResult.exists(reads.load(connection, record.gid()).orElseThrow(
          () -> new io.jdtm.DuplicateTransactionException(record.gid(), "a record with this gid"
              + " exists but the caller's transaction cannot see it")));
    } catch (SQLException e) {
      SQLException sql = SqlErrors.find(e).orElse(null);
      if (sql != null && SqlErrors.isMissingTable(sql)) {
        throw new IllegalArgumentException("the connection does not reach this store's table "
            + tables.tx() + " (" + db.description() + "): the message must be written through a "
            + "connection to the store's own database; the caller's transaction is the caller's "
            + "to roll back", Scrub.PATTERNS.chain(e));
      }
      String cause = sql != null ? SqlErrors.describe(sql) : Scrub.PATTERNS.text(e.getMessage());
      throw new StoreUnavailableException("create in the caller's transaction failed on "
          + db.description() + ": " + cause + "; the caller's transaction is the caller's to roll"
          + " back", record.gid(), Scrub.PATTERNS.chain(e));
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws io.jdtm.JdtmException naming the gid, the column and the problem when the stored
   *     record is unreadable (see the class comment)
   */
  @Override
  public Optional<TxRecord> load(String gid) {
    return db.autoCommitPlain("load", gid, c -> reads.load(c, gid));
  }

  /**
   * {@inheritDoc}
   *
   * <p>With a {@link TxUpdate#base() base}, one auto-committed {@code UPDATE} writes the new
   * record (none when the base rejects the update); without one, or when the base does not take
   * it, the stored record is read and locked first, in one transaction.
   */
  @Override
  public boolean update(TxUpdate update) {
    db.requireOpen();
    if (Writes.rejected(update)) {
      return false;
    }
    Optional<Writes.Planned> planned = Writes.planFromBase(update);
    if (planned.isPresent()) {
      return db.autoCommitPlain("update", update.gid(), c -> writes.write(c, planned.get()));
    }
    return db.inTransactionPlain("update", update.gid(),
        c -> writes.apply(c, List.of(update))).get(0);
  }

  /** {@inheritDoc} One transaction, with every write in one JDBC batch. */
  @Override
  public List<Boolean> apply(List<TxUpdate> updates) {
    if (updates.isEmpty()) {
      db.requireOpen();
      return List.of();
    }
    if (updates.size() == 1) {
      return List.of(update(updates.get(0)));
    }
    return db.inTransactionPlain("update", null, c -> writes.apply(c, updates));
  }

  /**
   * {@inheritDoc}
   *
   * <p>An unreadable due record is not returned: it is parked for 15 minutes and reported (see the
   * class comment), and the readable records of the batch are returned as usual.
   */
  @Override
  public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
    Objects.requireNonNull(owner, "owner");
    if (limit <= 0) {
      db.requireOpen();
      return List.of();
    }
    return claims.claim(db, now, owner, lease, limit);
  }

  /**
   * {@inheritDoc}
   *
   * <p>An unreadable record matching the query is left out of the page and reported with an
   * ERROR (once per record and store), rather than failing the whole page: paging through every
   * record stays possible. It still counts towards the page size, so a page may hold fewer
   * records than the limit and yet have a {@link TxPage#next() next} cursor; page until the
   * cursor is empty. {@link #load} of it names the problem.
   */
  @Override
  public TxPage query(TxQuery query) {
    return db.autoCommit("query", null, h -> reads.query(h, query));
  }

  @Override
  public int purge(Instant finishedBefore) {
    return purge.purge(db, finishedBefore);
  }

  @Override
  public Set<StoreCapability> capabilities() {
    return capabilities;
  }

  /** Closes the pool the store opened for a URL; a given DataSource or Jdbi stays open. */
  @Override
  public void close() {
    db.close();
    if (pool != null) {
      pool.close();
    }
  }

  /** Checks that every stored record is readable (its branch columns agree). For tests. */
  void checkIntegrity() {
    Parsed<TxRecord> all = db.autoCommit("integrity check", null,
        h -> h.createQuery(everyRecord).scanResultSet((rs, ctx) -> Rows.readRecords(rs.get(),
            tables)));
    if (!all.unreadable().isEmpty()) {
      throw new IllegalStateException(all.unreadable().size() + " records in " + tables.tx()
          + " are unreadable, e.g. " + all.unreadable().values().iterator().next().describe());
    }
  }

  Tables tables() {
    return tables;
  }

  @Override
  public String toString() {
    return "JdbcStore[" + db.description() + ", " + dialect.displayName() + " dialect, tables "
        + tables.prefix() + "*]";
  }

  /**
   * Configures a {@link JdbcStore}; each setting is checked when set, and {@link #build()}
   * connects. Not thread-safe.
   */
  public static final class Builder {
    private String url;
    private String user;
    private String password;
    private DataSource dataSource;
    private Jdbi jdbi;
    private String tablePrefix = Tables.DEFAULT_PREFIX;
    private boolean createSchema;
    private int maxPoolSize = 10;
    private Duration connectTimeout;
    private Duration socketTimeout;
    private boolean allowH2CodeSettings;

    private Builder() {}

    /**
     * A JDBC URL ({@code jdbc:h2:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code
     * jdbc:mysql:}); the store opens a HikariCP pool for it and closes it with the store. Options
     * may follow as {@code #jdtm.tablePrefix=x&jdtm.createSchema=true&jdtm.maxPoolSize=n} and
     * {@code &jdtm.connectTimeout=10s&jdtm.socketTimeout=30s} (durations in whole {@code ms},
     * {@code s} or {@code m}); they are applied as if set here, and the driver never sees them.
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

    /** A data source the caller owns (and closes); the store takes connections from it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** A Jdbi the caller owns; the store uses its connections with its own SQL settings. */
    public Builder jdbi(Jdbi jdbi) {
      this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
      return this;
    }

    /**
     * Prefix of the table names (default {@code jdtm_}): tables {@code <prefix>tx} and {@code
     * <prefix>schema_version}.
     *
     * @throws IllegalArgumentException unless it matches {@code [A-Za-z_][A-Za-z0-9_]{0,48}} (so
     *     that every table and index name stays within 63 characters)
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Tables.requireValidPrefix(prefix);
      return this;
    }

    /**
     * Whether {@link #build()} creates missing tables and indexes (default false: it only checks
     * that they exist). Idempotent; see {@link JdbcSchema} for the DDL.
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
     * How long taking a connection from the pool opened for {@link #url} may take, including
     * connecting (default 10 s; 250 ms to 1 h): HikariCP's connection timeout, and the driver's
     * connect timeout (PostgreSQL rounds it up to whole seconds).
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Timeouts.require(timeout, Timeouts.MIN_CONNECT, "connectTimeout");
      return this;
    }

    /**
     * How long the driver waits for each answer of the database on a connection of the pool
     * opened for {@link #url} before it gives the connection up (default 30 s; 1 s to 1 h; whole
     * seconds on PostgreSQL). Keep it above the longest statement and lock wait you expect. H2 has
     * no socket timeout.
     *
     * @throws IllegalArgumentException when out of range
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = Timeouts.require(timeout, Timeouts.MIN_SOCKET, "socketTimeout");
      return this;
    }

    /**
     * Whether an H2 {@link #url} may hold connection settings that run code when a connection
     * opens (default false; on purpose no URI option: whoever can write such a setting into a URL
     * could add the option too): {@code INIT} runs any SQL ({@code INIT=RUNSCRIPT FROM
     * 'http://...'} runs a script from anywhere, {@code CREATE ALIAS} compiles Java), {@code
     * DATABASE_EVENT_LISTENER} and {@code JAVA_OBJECT_SERIALIZER} instantiate a class. Allow them
     * only for a URL no one else can write.
     */
    public Builder allowH2CodeSettings(boolean allow) {
      this.allowH2CodeSettings = allow;
      return this;
    }

    /**
     * Connects, creates or checks the schema, and returns the store.
     *
     * @throws IllegalStateException when not exactly one of url, dataSource and jdbi is set,
     *     credentials or timeouts are given without a URL, or the schema is missing or of another
     *     version
     * @throws IllegalArgumentException when an H2 URL holds a setting that runs code and {@link
     *     #allowH2CodeSettings} was not set
     * @throws io.jdtm.StoreUnavailableException when the database cannot be reached or refuses
     *     the credentials
     */
    public JdbcStore build() {
      int sources = (url != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (jdbi != null ? 1 : 0);
      if (sources != 1) {
        throw new IllegalStateException("set exactly one of url, dataSource and jdbi; " + sources
            + " are set");
      }
      if (url == null && user != null) {
        throw new IllegalStateException("credentials apply to a url; configure them on the "
            + (dataSource != null ? "DataSource" : "Jdbi") + " instead");
      }
      if (url == null && (connectTimeout != null || socketTimeout != null)) {
        throw new IllegalStateException("connectTimeout and socketTimeout apply to a url; "
            + "configure timeouts on the " + (dataSource != null ? "DataSource" : "Jdbi")
            + " instead");
      }
      requireNoH2CodeSettings();
      Timeouts timeouts = new Timeouts(
          connectTimeout != null ? connectTimeout : Timeouts.DEFAULT_CONNECT,
          socketTimeout != null ? socketTimeout : Timeouts.DEFAULT_SOCKET);
      return Connector.open(new Connector.Settings(url, user, password, dataSource, jdbi,
          new Tables(tablePrefix), createSchema, maxPoolSize, timeouts));
    }

    private void requireNoH2CodeSettings() {
      if (url != null) {
        JdbcUrls.requireNoH2CodeSettings(url, allowH2CodeSettings);
      }
    }
  }
}
