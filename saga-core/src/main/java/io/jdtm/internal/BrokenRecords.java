package io.jdtm.internal;

import org.slf4j.Logger;

/**
 * Logs a transaction that could not be driven: with its stack trace the first time, then one line
 * per later attempt, so a permanently broken record does not flood the log. Remembers the last
 * {@value #REMEMBERED} such gids. Thread-safe.
 */
final class BrokenRecords {
  private static final Logger log = Logs.get(BrokenRecords.class);
  private static final int REMEMBERED = 1_000;

  private final FirstTimes seen = new FirstTimes(REMEMBERED);

  void report(String gid, Throwable e) {
    if (seen.first(gid)) {
      log.error("gid={}: driving the transaction failed; recovery retries it after its lease",
          gid, e);
    } else {
      log.warn("gid={}: driving the transaction failed again: {}", gid, e.toString());
    }
  }
}
