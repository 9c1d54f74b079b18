package io.jdtm.testkit.sim;

import io.jdtm.BranchFailedException;
import io.jdtm.Outcome;
import io.jdtm.TxStatus;
import io.jdtm.XaTransaction;
import io.jdtm.spi.BarrierTables;
import io.jdtm.testkit.Behaviour;
import java.sql.Connection;
import java.util.Optional;

/**
 * XA in the simulation: the body runs one branch per step on a simulated XA database (the step's
 * participant index picks it), each crediting the step's amount to an account of its own, as
 * scripted (or refusing, or throwing, with or without a write first); the body may throw at the
 * end. I-12: all or nothing across the databases: a SUCCEEDED transaction's every branch
 * committed its write exactly once and its barrier row says so; a FAILED one committed nothing;
 * a transaction scripted to fail never succeeds. No in-doubt branch at quiescence is checked by
 * {@link Checks}. Stateless.
 */
final class XaScript implements ModeScript {
  @Override
  public void script(SimRun run, TxSpec spec) {
    // nothing to script: each branch's work reads its answer from the spec
  }

  @Override
  public void submit(SimRun run, SimNode node, TxSpec spec) {
    XaTransaction tx = node.manager.xa(spec.gid());
    if (spec.timeoutToFail() != null) {
      tx.timeoutToFail(spec.timeoutToFail());
    }
    try {
      tx.execute(xa -> {
        for (int k = 0; k < spec.steps().size(); k++) {
          int step = k;
          xa.branch(run.xa(spec.steps().get(k)).name(), c -> work(spec, step, c));
        }
        if (spec.bodyFails()) {
          throw new Refusal("the body refuses");
        }
      });
    } catch (Refusal | BranchFailedException scripted) {
      // the body or a branch refused, as scripted: the transaction is aborting
    }
  }

  /** A step's local work, as scripted (only the first scripted answer counts: it runs once). */
  private static Outcome work(TxSpec spec, int k, Connection c) throws Exception {
    TxSpec.Step step = spec.steps().get(k);
    Behaviour answer = step.forward().isEmpty() ? Behaviour.SUCCESS : step.forward().get(0);
    switch (answer) {
      case FAILURE:
        return Outcome.failure("scripted refusal");
      case ONGOING:
        return Outcome.ongoing();
      case THROW:
        throw new Refusal("the work throws");
      case EFFECT_THEN_THROW:
        SimXaDatabase.credit(c, account(spec, k), step.amount());
        throw new Refusal("the work throws after its write");
      default:
        SimXaDatabase.credit(c, account(spec, k), step.amount());
        return Outcome.success();
    }
  }

  /** Whether the spec is scripted to fail: a branch refuses or throws, or the body throws. */
  static boolean scriptedToFail(TxSpec spec) {
    return spec.bodyFails() || spec.steps().stream()
        .anyMatch(s -> !s.forward().isEmpty() && s.forward().get(0) != Behaviour.SUCCESS);
  }

  /** The scripted refusal of a body or a branch's work. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String what) {
      super(what, null, false, false);
    }
  }

  @Override
  public boolean resubmittable() {
    return false; // an XA body runs once per gid
  }

  @Override
  public void checkTerminal(SimRun run, TxSpec spec, TxStatus status) {
    String gid = spec.gid();
    if (status == TxStatus.SUCCEEDED && scriptedToFail(spec)) {
      throw new Violation("I-12", gid + " SUCCEEDED although a branch or its body refused", -1);
    }
    for (int k = 0; k < spec.steps().size(); k++) {
      SimXaDatabase db = run.xa(spec.steps().get(k));
      String id = SimRun.branchId(k);
      long writes = db.writes(account(spec, k));
      long balance = db.balance(account(spec, k));
      Optional<String> row = db.barrierRow(BarrierTables.DEFAULT_PREFIX + "barrier", gid, id);
      if (status == TxStatus.SUCCEEDED && (writes != 1 || balance != spec.steps().get(k).amount()
          || !row.equals(Optional.of("action")))) {
        throw new Violation("I-12", gid + " SUCCEEDED but branch " + id + " on " + db.name()
            + " committed " + writes + " writes (balance " + balance + "), barrier row " + row,
            -1);
      }
      if (status == TxStatus.FAILED && (writes != 0 || row.equals(Optional.of("action")))) {
        throw new Violation("I-12", gid + " FAILED but branch " + id + " on " + db.name()
            + " committed " + writes + " writes, barrier row " + row, -1);
      }
    }
  }

  @Override
  public long money(SimRun run, TxSpec spec) {
    long sum = 0;
    for (int k = 0; k < spec.steps().size(); k++) {
      sum += run.xa(spec.steps().get(k)).balance(account(spec, k));
    }
    return sum;
  }

  /** The account step {@code k} of {@code spec} credits. */
  static String account(TxSpec spec, int k) {
    return spec.gid() + "/" + SimRun.branchId(k);
  }
}
