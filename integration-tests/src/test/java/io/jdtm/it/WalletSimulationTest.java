package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TxStatus;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.MemoryBarrier;
import io.jdtm.testkit.sim.Quiescence;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import io.jdtm.testkit.sim.UserBranch;
import io.jdtm.testkit.sim.UserParticipant;
import org.junit.jupiter.api.Test;

class WalletSimulationTest {
  /** Your handler: credits a wallet on the action and takes the credit back on compensation. */
  static final class Wallet {
    private volatile MemoryBarrier db = new MemoryBarrier(); // your database, behind a barrier

    Outcome handle(BranchContext ctx, Long cents) throws Exception {
      return db.call(ctx, tx -> {
        tx.add("balance", ctx.op() == BranchOp.ACTION ? cents : -cents);
        return Outcome.success();
      });
    }

    long balance() {
      return db.value("balance");
    }

    void reset() {
      db = new MemoryBarrier();
    }
  }

  private final Wallet wallet = new Wallet();

  @Test
  void wallet_crashesRetriesAndDuplicates_holdsTheCreditsOfSucceededSagasOnly() {
    SimulationReport report = Simulation.on(MemoryStore::new)
        .modes(Mode.SAGA)
        .chains(100)
        .participant(new UserParticipant<>("wallet", Long.class, wallet::handle,
            random -> random.nextLong(1, 10_000)))
        .beforeEachChain(wallet::reset)
        .atQuiescence(this::balanceAddsUp)
        .run();

    assertThat(report.violations()).isZero();
  }

  /** Your invariant: the balance is the sum of the credits of the sagas that succeeded. */
  private void balanceAddsUp(Quiescence q) {
    long expected = 0;
    for (UserBranch branch : q.branches("wallet")) {
      if (branch.status() == TxStatus.SUCCEEDED) {
        assertThat(branch.calls(BranchOp.ACTION)).as("actions of %s", branch).isPositive();
        expected += branch.payload(Long.class);
      }
    }
    assertThat(wallet.balance()).as("balance after the chain of seed %d", q.seed())
        .isEqualTo(expected);
  }
}
