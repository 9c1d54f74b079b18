package io.jdtm.store.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;

/**
 * Picks the candidates of a claim on a database that applies {@code LIMIT} before {@code SKIP
 * LOCKED} (H2). There, claimers racing on {@code ORDER BY next_due_at LIMIT n FOR UPDATE SKIP
 * LOCKED} all read the same oldest rows: the first locks them, and the others skip them and come
 * back with little or nothing while plenty more is due (and their managers wait a poll interval).
 *
 * <p>So a claim first locks the oldest due that way, as on every store. When that leaves it short
 * of its limit, it reads, without locking, a window of the {@value #WINDOW_BATCHES} x limit oldest
 * due records and adds some it does not hold, in a random order of its own: racing claimers
 * mostly pick different records. Those are not locked yet: the claim's compare-and-set (in gid
 * order, repeating the version and due checks) waits for a racing claimer's commit and then loses
 * a record it took, never doubles it. It takes only records whose gid sorts after every one it
 * locked first, so that it waits only in gid order after what it holds, as an update does: two
 * claims, or a claim and an update, never wait for each other in a circle.
 *
 * <p>Nothing starves: a claim picks from the oldest due only, and an unraced claim takes exactly
 * the oldest. Thread-safe (stateless apart from the statements).
 */
final class ClaimWindow {
  /** The window, in claim limits: room for three racing claimers' batches and one more. */
  static final int WINDOW_BATCHES = 4;

  private final String oldest;
  private final String window;

  ClaimWindow(Tables t) {
    String select = "SELECT gid, version FROM " + t.tx() + " WHERE next_due_at <= :now AND "
        + "status NOT IN (" + Sql.FINISHED + ") ORDER BY next_due_at LIMIT :limit";
    oldest = select + " FOR UPDATE SKIP LOCKED";
    window = select;
  }

  /** Up to {@code limit} due records; those first in the list are locked already. */
  List<Claims.Candidate> pick(Handle h, long now, int limit) {
    List<Claims.Candidate> picked = new ArrayList<>(h.createQuery(oldest)
        .bind("now", now).bind("limit", limit)
        .map((rs, ctx) -> new Claims.Candidate(rs.getString(1), rs.getLong(2))).list());
    if (picked.size() >= limit) {
      return picked;
    }
    String after = picked.stream().map(Claims.Candidate::gid).max(String::compareTo).orElse("");
    List<Claims.Candidate> others = new ArrayList<>();
    h.createQuery(window).bind("now", now).bind("limit", (long) limit * WINDOW_BATCHES)
        .map((rs, ctx) -> new Claims.Candidate(rs.getString(1), rs.getLong(2)))
        .forEach(c -> {
          if (c.gid().compareTo(after) > 0) {
            others.add(c);
          }
        });
    Collections.shuffle(others, ThreadLocalRandom.current());
    picked.addAll(others.subList(0, Math.min(others.size(), limit - picked.size())));
    return picked;
  }
}
