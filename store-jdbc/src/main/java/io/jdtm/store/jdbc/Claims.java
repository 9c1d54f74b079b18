package io.jdtm.store.jdbc;

import io.jdtm.spi.TxRecord;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Leases due records. Two strategies:
 *
 * <ul>
 *   <li>PostgreSQL: one auto-committed {@code UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)
 *       RETURNING} of whole rows: a record is one row, so what it returns is the record as the
 *       claim wrote it, from the latest version it locked.
 *   <li>H2 and MariaDB/MySQL: in one transaction, select candidates with their versions ({@code
 *       FOR UPDATE SKIP LOCKED} where the database has it), lease each with a batched
 *       compare-and-set that repeats the due check, and load the winners in one query. The
 *       conditional update carries the check, so a stale read (MariaDB's REPEATABLE READ snapshot)
 *       can only make a claim lose, never double it.
 * </ul>
 *
 * <p>Both visit the oldest due first; H2, which applies {@code LIMIT} before {@code SKIP LOCKED},
 * goes on to a window of the oldest due in a random order when that falls short ({@link
 * ClaimWindow}), so that racing claimers each get a share. A claimed record whose rows do not parse ({@link
 * Unreadable}) is not returned but <em>parked</em>: a compare-and-set on the version it was
 * claimed at sets its lease owner to {@link #PARKED_OWNER} and its due time {@link #PARK} ahead,
 * so it neither fails the claim of the others nor comes back on every pass; it is reported once
 * with an ERROR. On H2 and MariaDB parking is part of the claim's transaction; on PostgreSQL it
 * follows the claim, and a record changed in between is left to come back after its lease.
 * Thread-safe (stateless apart from the statements).
 */
final class Claims {
  /** How long an unreadable record is parked; then a claim reads (and reports) it again. */
  static final Duration PARK = Duration.ofMinutes(15);
  /** Lease owner of a parked record; never an instance id, which cannot hold parentheses. */
  static final String PARKED_OWNER = "(unreadable)";

  private final Sql sql;
  private final Reads reads;
  private final Unreadables unreadables;
  private final boolean returning;
  /** How H2 picks candidates: it applies LIMIT before SKIP LOCKED; null elsewhere. */
  private final ClaimWindow window;

  Claims(Dialect dialect, Sql sql, Reads reads, Unreadables unreadables) {
    this.sql = sql;
    this.reads = reads;
    this.unreadables = unreadables;
    this.returning = dialect == Dialect.POSTGRESQL;
    this.window = dialect == Dialect.H2 ? new ClaimWindow(sql.tables()) : null;
  }

  List<TxRecord> claim(Db db, Instant now, String owner, Duration lease, int limit) {
    Lease l = new Lease(now.toEpochMilli(), now.plus(lease).toEpochMilli(), owner, limit);
    Claimed c = returning
        ? db.autoCommit("claimDue", null, h -> claimReturning(h, l))
        : db.inTransaction("claimDue", null, h -> claimLocking(h, l));
    Instant parkedUntil = Instant.ofEpochMilli(l.parkedUntil());
    c.parked().forEach(u -> unreadables.parked(u, parkedUntil));
    c.notParked().forEach(unreadables::notParked);
    return c.records();
  }

  private record Lease(long now, long until, String owner, int limit) {
    long parkedUntil() {
      return now + PARK.toMillis();
    }
  }

  /** A due record a claim tries to lease, at the version it was read. */
  record Candidate(String gid, long version) {}

  /** What a claim leased: the records it returns, and the unreadable ones it parked or not. */
  private record Claimed(
      List<TxRecord> records, List<Unreadable> parked, List<Unreadable> notParked) {}

  private Claimed claimReturning(Handle h, Lease l) {
    Parsed<TxRecord> claimed = h.createQuery(sql.claimReturning)
        .bind("owner", l.owner()).bind("until", l.until()).bind("now", l.now())
        .bind("limit", l.limit())
        .scanResultSet((rs, ctx) -> Rows.readRecords(rs.get(), sql.tables()));
    if (claimed.count() == 0) {
      return new Claimed(List.of(), List.of(), List.of());
    }
    return park(h, l, claimed.values(), new ArrayList<>(claimed.unreadable().values()));
  }

  private Claimed claimLocking(Handle h, Lease l) throws SQLException {
    List<Candidate> candidates = window != null ? window.pick(h, l.now(), l.limit())
        : new ArrayList<>(h.createQuery(sql.claimCandidates)
            .bind("now", l.now()).bind("limit", l.limit())
            .map((rs, ctx) -> new Candidate(rs.getString(1), rs.getLong(2))).list());
    if (candidates.isEmpty()) {
      return new Claimed(List.of(), List.of(), List.of());
    }
    candidates.sort(Comparator.comparing(Candidate::gid)); // lock order shared with apply
    PreparedBatch batch = h.prepareBatch(sql.claimOne);
    for (Candidate c : candidates) {
      batch.bind("owner", l.owner()).bind("until", l.until()).bind("now", l.now())
          .bind("gid", c.gid()).bind("version", c.version()).add();
    }
    int[] counts = Writes.exactCounts(batch.execute());
    List<String> won = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 1) {
        won.add(candidates.get(i).gid());
      }
    }
    Parsed<TxRecord> loaded = reads.loadAll(h.getConnection(), won);
    return park(h, l, loaded.values(), new ArrayList<>(loaded.unreadable().values()));
  }

  /**
   * Parks the unreadable records with one batched compare-and-set each, on the version read after
   * the claim: a record someone changed since stays as they left it, and so does every one when
   * parking fails. Short enough that a record only a newer jdtm can read (during a rolling
   * upgrade) is soon claimed by a newer instance.
   */
  private Claimed park(Handle h, Lease l, List<TxRecord> records, List<Unreadable> unreadable) {
    if (unreadable.isEmpty()) {
      return new Claimed(records, List.of(), List.of());
    }
    unreadable.sort(Comparator.comparing(Unreadable::gid)); // lock order shared with apply
    PreparedBatch batch = h.prepareBatch(sql.park);
    for (Unreadable u : unreadable) {
      batch.bind("owner", PARKED_OWNER).bind("until", l.parkedUntil()).bind("now", l.now())
          .bind("gid", u.gid()).bind("version", u.version()).add();
    }
    int[] counts;
    try {
      counts = Writes.exactCounts(batch.execute());
    } catch (RuntimeException e) {
      // The claim stands: return what it leased; the unreadable ones come back after the lease.
      return new Claimed(records, List.of(), unreadable);
    }
    List<Unreadable> parked = new ArrayList<>();
    List<Unreadable> notParked = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      (counts[i] == 1 ? parked : notParked).add(unreadable.get(i));
    }
    return new Claimed(records, parked, notParked);
  }
}
