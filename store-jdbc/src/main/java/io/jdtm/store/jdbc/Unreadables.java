package io.jdtm.store.jdbc;

import io.jdtm.spi.Names;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports unreadable records: an ERROR naming the gid, the column and the problem the first time
 * this store meets a record, quieter lines after that, so that a record that stays broken does not
 * flood the log. Remembers the last {@value #REMEMBERED} such gids. Thread-safe.
 */
final class Unreadables {
  private static final Logger log = LoggerFactory.getLogger(Unreadables.class);
  private static final int REMEMBERED = 1_000;

  private final FirstTimes seen = new FirstTimes(REMEMBERED);

  /** A due record that a claim found unreadable and parked until {@code until}. */
  void parked(Unreadable u, Instant until) {
    if (first(u)) {
      log.error("gid={}: the stored record is unreadable: {}. Recovery skips it: parked until {} "
          + "with lease_owner '{}'. Repair or delete the row; after a repair, set next_due_at to "
          + "retry it sooner", shown(u), u.describe(), until, Claims.PARKED_OWNER);
    } else {
      log.warn("gid={}: the stored record is still unreadable ({}); parked again until {}",
          shown(u), u.describe(), until);
    }
  }

  /**
   * A due record that a claim found unreadable but did not park (it changed after the claim, or
   * parking failed).
   */
  void notParked(Unreadable u) {
    log.warn("gid={}: the stored record is unreadable ({}) and was not parked; recovery skips it "
        + "and looks at it again after the lease", shown(u), u.describe());
  }

  /** A record that a query found unreadable and left out of its page. */
  void skipped(Unreadable u) {
    if (first(u)) {
      log.error("gid={}: the stored record is unreadable: {}. Queries leave it out; repair or "
          + "delete the row", shown(u), u.describe());
    } else {
      log.debug("gid={}: query left out the unreadable record ({})", shown(u), u.describe());
    }
  }

  /** The gid as read from the row: a hand-edited one may hold anything, even line breaks. */
  private static String shown(Unreadable u) {
    return Names.isValidGid(u.gid()) ? u.gid() : Names.quote(u.gid());
  }

  private boolean first(Unreadable u) {
    return seen.first(u.gid());
  }
}
