package io.jdtm.it.xa;

import org.junit.jupiter.api.Nested;

/**
 * How the three JDBC drivers the XA mode supports behave under XA, asserted so that a driver
 * upgrade that changes any of it fails here first. Each nested class runs one driver's cases:
 * the shared ones ({@link XaProbeCases}, {@link DurablePrepareCases}) and its own.
 *
 * <p>What the engine must know, in short:
 *
 * <ul>
 *   <li>PostgreSQL (pgjdbc) needs {@code max_prepared_transactions > 0} ({@link XaPostgres}). A
 *       statement failing inside a branch aborts the whole transaction, and {@code prepare} then
 *       answers XA_OK although PostgreSQL rolled it back; TMFAIL is ignored by {@code end}. The
 *       engine must remember a failed statement itself and roll back, never prepare.
 *   <li>MariaDB: XAER_NOTA for an unknown Xid, but also for a commit from another connection
 *       while the preparing one is still open (the branch stays prepared and is listed); a
 *       failing statement is undone alone; {@code isSameRM} is true across connections.
 *   <li>H2: a prepared branch is rolled back when its session closes; only a database closed or
 *       crashed under an open session keeps it in doubt. XAExceptions carry errorCode 0,
 *       rollback of an unknown Xid succeeds, and recovery needs an admin user (others see an
 *       empty list, silently). A lock wait ignores {@code setQueryTimeout}. A commit from
 *       another session leaves the preparer's handle out of autocommit and, with assertions on,
 *       makes a later close of the database fail H2's own assertion.
 * </ul>
 */
class XaDriverProbeIT {
  @Nested
  class PostgreSql extends PostgresXaProbe {}

  @Nested
  class MariaDb extends MariaDbXaProbe {}

  @Nested
  class H2 extends H2XaProbe {}
}
