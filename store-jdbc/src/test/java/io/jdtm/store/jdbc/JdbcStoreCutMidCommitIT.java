package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchOp;
import io.jdtm.Saga;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.Recovery;
import io.jdtm.testkit.StoreInvariants;
import io.jdtm.testkit.TestParticipant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sagas on a store whose connections a proxy cuts right after random commits, so that the engine
 * cannot tell whether its write happened; then the network heals and recovery drains. The seed is
 * printed; {@code -Djdtm.seed=N} replays one.
 */
class JdbcStoreCutMidCommitIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final int SAGAS = 40;
  private static final double CUT_PROBABILITY = 0.2;
  private static final double RECOVERY_CUT_PROBABILITY = 0.6;
  private static final int SUBMIT_ATTEMPTS = 20;

  private final ManualClock clock = new ManualClock();
  private final Ledger ledger = new Ledger();
  private final TestParticipant bank = new TestParticipant("bank", ledger);
  private int ambiguousSubmits;

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "mariadb"})
  void sagas_commitsCutAtRandom_allFinishWithEachEffectAtMostOnce(String server) {
    long seed = Long.getLong("jdtm.seed", System.nanoTime());
    System.out.println("JdbcStoreCutMidCommitIT " + server + " seed=" + seed);
    Random random = new Random(seed);
    try (ProxiedServer p = ProxiedServer.start(server, "cut");
        JdbcStore store = p.builder(TIMEOUT, TIMEOUT, true).build();
        TransactionManager tm = manager(store)) {
      p.proxy().cutMidWrite(CUT_PROBABILITY, seed);
      Map<String, Integer> steps = new HashMap<>();
      Map<String, TxStatus> expected = new HashMap<>();
      for (int i = 0; i < SAGAS; i++) {
        String gid = "cut-" + i;
        steps.put(gid, 2 + random.nextInt(3));
        expected.put(gid, maybeRefuse(gid, steps.get(gid), random));
        submit(tm, gid, steps.get(gid));
      }
      List<String> gids = new ArrayList<>(steps.keySet());
      long unfinished = unfinished(store, gids);
      // Cut recovery harder, so that some transactions are still unfinished at heal.
      p.proxy().cutMidWrite(RECOVERY_CUT_PROBABILITY, seed + 1);
      recoverWhileCutting(tm);
      p.proxy().heal();
      long open = unfinished(store, gids);

      int rounds = Recovery.drain(clock, LEASE.plusSeconds(1), 30, gids, List.of(tm));

      System.out.println("  commits cut: " + p.proxy().commitsCut() + ", failed submits retried: "
          + ambiguousSubmits + ", unfinished after submit: " + unfinished + ", at heal: " + open
          + ", drain rounds: " + rounds);
      assertThat(p.proxy().commitsCut()).as("commits cut").isPositive();
      steps.forEach((gid, n) -> checkSaga(store, gid, n, expected.get(gid)));
      StoreInvariants.check(store);
    }
  }

  private TransactionManager manager(JdbcStore store) {
    TransactionManager.Builder b = TransactionManager.builder().store(store).clock(clock)
        .executor(Runnable::run).lease(LEASE).retryInterval(Duration.ofSeconds(1))
        .maxRetryInterval(Duration.ofSeconds(20)).random(new Random(7))
        .shutdownTimeout(Duration.ZERO).instanceId("cut-node");
    return bank.registerOn(b).build();
  }

  /** Makes one step's action refuse in about a quarter of the sagas; the status to expect. */
  private TxStatus maybeRefuse(String gid, int steps, Random random) {
    if (random.nextInt(4) != 0) {
      return TxStatus.SUCCEEDED;
    }
    Behaviour[] refusals = new Behaviour[SUBMIT_ATTEMPTS];
    java.util.Arrays.fill(refusals, Behaviour.FAILURE);
    // Refuse every call, since a cut may lose an answer and bring a second call.
    bank.script(gid, branchId(random.nextInt(steps)), BranchOp.ACTION, refusals);
    return TxStatus.FAILED;
  }

  /** Submits until submit returns: a cut may hide whether the record was stored. */
  private void submit(TransactionManager tm, String gid, int steps) {
    for (int attempt = 1; ; attempt++) {
      Saga saga = tm.saga(gid);
      for (int s = 0; s < steps; s++) {
        saga.step("bank", "bank", Map.of("step", s));
      }
      try {
        saga.submit();
        return;
      } catch (StoreUnavailableException e) {
        ambiguousSubmits++;
        assertThat(attempt).as("submit attempts of %s", gid).isLessThan(SUBMIT_ATTEMPTS);
      }
    }
  }

  private void recoverWhileCutting(TransactionManager tm) {
    clock.advance(LEASE.plusSeconds(1));
    try {
      tm.runRecoveryPass();
    } catch (StoreUnavailableException e) {
      // the claim's commit was cut: its leases run out later
    }
  }

  private static long unfinished(JdbcStore store, List<String> gids) {
    return gids.stream().filter(g -> store.load(g).map(r -> !r.status().isTerminal()).orElse(true))
        .count();
  }

  private void checkSaga(JdbcStore store, String gid, int steps, TxStatus expected) {
    assertThat(store.load(gid)).as("stored %s", gid).isPresent();
    assertThat(store.load(gid).orElseThrow().status()).as("status of %s", gid)
        .isEqualTo(expected);
    for (int s = 0; s < steps; s++) {
      String b = branchId(s);
      long actions = ledger.effects(gid, b, BranchOp.ACTION);
      long undos = ledger.effects(gid, b, BranchOp.COMPENSATE);
      assertThat(actions).as("%s/%s action effects", gid, b).isLessThanOrEqualTo(1);
      assertThat(undos).as("%s/%s compensation effects", gid, b).isLessThanOrEqualTo(1);
      if (expected == TxStatus.SUCCEEDED) {
        assertThat(actions).as("%s/%s applied once", gid, b).isEqualTo(1);
        assertThat(undos).as("%s/%s not compensated", gid, b).isZero();
      } else {
        assertThat(undos).as("%s/%s nets to zero", gid, b).isEqualTo(actions);
      }
    }
  }

  private static String branchId(int step) {
    return String.format(java.util.Locale.ROOT, "%02d", step + 1);
  }
}
