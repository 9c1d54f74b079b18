package io.jdtm.store.jdbc;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Leases due records. Two strategies:
 *
 * <ul>
 *   <li>PostgreSQL: one auto-committed {@code UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)
 *       RETURNING}, then one query for the branches of every claimed record. The branches are
 *       read by a later statement on purpose: inside the claim statement they would come from its
 *       start-of-statement snapshot, which can predate the record version the claim locked.
 *   <li>H2 and MariaDB/MySQL: in one transaction, select candidates with their versions ({@code
 *       FOR UPDATE SKIP LOCKED} where the database has it), lease each with a batched
 *       compare-and-set that repeats the due check, and load the winners with their branches. The
 *       conditional update carries the check, so a stale read (MariaDB's REPEATABLE READ snapshot)
 *       can only make a claim lose, never double it.
 * </ul>
 *
 * <p>Both visit the oldest due first. Thread-safe (stateless apart from the statements).
 */
final class Claims {
  private final Sql sql;
  private final Reads reads;
  private final boolean returning;

  Claims(Dialect dialect, Sql sql, Reads reads) {
    this.sql = sql;
    this.reads = reads;
    this.returning = dialect == Dialect.POSTGRESQL;
  }

  List<TxRecord> claim(Db db, Instant now, String owner, Duration lease, int limit) {
    Lease l = new Lease(now.toEpochMilli(), now.plus(lease).toEpochMilli(), owner, limit);
    return returning
        ? db.autoCommit("claimDue", null, h -> claimReturning(h, l))
        : db.inTransaction("claimDue", null, h -> claimLocking(h, l));
  }

  private record Lease(long now, long until, String owner, int limit) {}

  private record Candidate(String gid, long version) {}

  private List<TxRecord> claimReturning(Handle h, Lease l) {
    Map<String, TxRecord.Builder> claimed = h.createQuery(sql.claimReturning)
        .bind("owner", l.owner()).bind("until", l.until()).bind("now", l.now())
        .bind("limit", l.limit())
        .scanResultSet((rs, ctx) -> Rows.readTxs(rs.get()));
    if (claimed.isEmpty()) {
      return List.of();
    }
    Map<String, List<BranchRecord>> branches = h.createQuery(sql.branchesOfAny)
        .bindArray("gids", String.class, claimed.keySet())
        .scanResultSet((rs, ctx) -> Rows.readBranches(rs.get()));
    List<TxRecord> records = new ArrayList<>(claimed.size());
    claimed.forEach((gid, b) -> records.add(b.branches(branches.getOrDefault(gid, List.of()))
        .build()));
    return records;
  }

  private List<TxRecord> claimLocking(Handle h, Lease l) {
    List<Candidate> candidates = new ArrayList<>(h.createQuery(sql.claimCandidates)
        .bind("now", l.now()).bind("limit", l.limit())
        .map((rs, ctx) -> new Candidate(rs.getString(1), rs.getLong(2))).list());
    if (candidates.isEmpty()) {
      return List.of();
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
    return reads.loadAll(h, won);
  }
}
