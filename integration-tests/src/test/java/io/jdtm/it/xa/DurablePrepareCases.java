package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;

import javax.transaction.xa.Xid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Questions a and b of the probe on a driver whose prepared branch outlives the connection that
 * prepared it (PostgreSQL and MariaDB; not H2, whose session close rolls it back).
 */
abstract class DurablePrepareCases extends XaProbeCases {
  /**
   * (a) Prepared, its connection closed: a new connection's recovery scan lists the Xid with its
   * format id, gtrid and bqual intact, commits it, and the row is there.
   */
  @ParameterizedTest(name = "punctuated={0}")
  @ValueSource(booleans = {false, true})
  void commit_fromNewConnectionAfterClose_rowVisible(boolean punctuated) throws Exception {
    XaProbe p = probe();
    Xid xid = XaProbe.xid(punctuated);
    int id = p.nextId();
    p.prepareInsertAndClose(xid, id);
    recoverAndCommitOnNewConnection(xid);
    assertThat(p.rowExists(id)).isTrue();
    assertThat(p.recovered()).doesNotContain(XaProbe.key(xid));
  }

  /** (b) Same, rolled back from the new connection: the row is absent. */
  @ParameterizedTest(name = "punctuated={0}")
  @ValueSource(booleans = {false, true})
  void rollback_fromNewConnectionAfterClose_rowAbsent(boolean punctuated) throws Exception {
    XaProbe p = probe();
    Xid xid = XaProbe.xid(punctuated);
    int id = p.nextId();
    p.prepareInsertAndClose(xid, id);
    p.onNewConnection(r -> {
      assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
      r.rollback(xid);
    });
    assertThat(p.rowExists(id)).isFalse();
    assertThat(p.recovered()).doesNotContain(XaProbe.key(xid));
  }
}
