package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.Outcome;
import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * What a saga costs the database, counted at the connection (not timed): a real {@link
 * TransactionManager} on H2 through a {@link StatementCounter}. A create is one statement, each
 * step one statement, each auto-committed on a connection of its own, nothing is read back after
 * {@code submitAndWait}, and the cost per step does not grow with the number of steps.
 */
class JdbcStoreRoundTripsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void saga_threeAndFiftySteps_oneStatementForTheCreateAndOnePerStep() throws Exception {
    StatementCounter counter = new StatementCounter();
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(H2Stores.memoryUrl());
    try (Connection keepAlive = h2.getConnection();
        JdbcStore store = JdbcStore.builder().dataSource(counter.wrap(h2)).createSchema(true)
            .build();
        TransactionManager tm = TransactionManager.builder().store(store)
            .handler("act", Integer.class, (ctx, p) -> Outcome.success())
            .handler("undo", Integer.class, (ctx, p) -> Outcome.success())
            .build()) {
      run(tm, 3); // warm: nothing is counted
      StatementCounter.Counts three = counted(counter, tm, 3);
      StatementCounter.Counts fifty = counted(counter, tm, 50);

      // A create, then one write per step (the last step's write finishes the saga): what a
      // hand-written orchestrator does, one INSERT and one fenced UPDATE per step.
      assertThat(three).as("3 steps").isEqualTo(new StatementCounter.Counts(4, 4, 4, 4));
      assertThat(fifty).as("50 steps").isEqualTo(new StatementCounter.Counts(51, 51, 51, 51));
      assertThat(three.roundTrips()).as("round trips").isEqualTo(three.statements());
      assertThat(fifty.roundTrips()).isEqualTo(fifty.statements());
      assertThat(three.commits()).as("commits, each statement auto-committed")
          .isEqualTo(three.statements());
      assertThat(fifty.commits()).isEqualTo(fifty.statements());

      List<String> sql = lastSaga(counter, tm, 3);
      assertThat(sql.get(0)).as("the create").startsWith("INSERT INTO jdtm_tx ");
      assertThat(sql.subList(1, sql.size())).as("every later statement")
          .allSatisfy(s -> assertThat(s).startsWith("UPDATE jdtm_tx SET version = version + 1"));
      assertThat(sql).as("no SELECT: nothing is read back after submitAndWait")
          .noneMatch(s -> s.startsWith("SELECT"));
    }
  }

  private static StatementCounter.Counts counted(StatementCounter counter, TransactionManager tm,
      int steps) {
    counter.clear();
    run(tm, steps);
    return counter.counts();
  }

  private static List<String> lastSaga(StatementCounter counter, TransactionManager tm,
      int steps) {
    counter.clear();
    run(tm, steps);
    return counter.statements();
  }

  private static void run(TransactionManager tm, int steps) {
    Saga saga = tm.saga();
    for (int i = 0; i < steps; i++) {
      saga.step("act", "undo", i);
    }
    TxResult result = saga.submitAndWait(TIMEOUT);
    assertThat(result.status()).isEqualTo(TxStatus.SUCCEEDED);
  }
}
