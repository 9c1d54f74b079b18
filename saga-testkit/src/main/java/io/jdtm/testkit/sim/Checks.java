package io.jdtm.testkit.sim;

import io.jdtm.BranchOp;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.Ledger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The invariants of docs/reliability.md, checked against a run's store, ledger and call log. */
final class Checks {
  /** Closest two engine calls of one op may be: the shortest backoff, or a lease takeover. */
  static final Duration MIN_CALL_GAP = Duration.ofMillis(3_750);

  private final SimRun run;
  private final Map<String, TxStatus> seen = new HashMap<>();

  Checks(SimRun run) {
    this.run = run;
  }

  void afterStep(int step) {
    Violation v = run.log.takeViolation();
    if (v != null) {
      throw v.atStep(step);
    }
    try {
      storeChecks();
      ledgerChecks();
    } catch (Violation e) {
      throw e.atStep(step);
    }
  }

  void atEnd() {
    afterStep(-1);
    long money = 0;
    for (TxRecord r : all()) {
      TxSpec spec = run.specs.get(r.gid());
      SimRun.script(spec).checkTerminal(run, spec, r.status());
      money += SimRun.script(spec).money(run, spec);
    }
    if (money != 0) {
      throw new Violation("I-7", "money not conserved: net " + money, -1);
    }
    noXaInDoubt("at quiescence");
    long written = run.xaDatabases.stream().mapToLong(SimXaDatabase::total).sum();
    if (written != 0) {
      throw new Violation("I-12", "the XA databases' committed writes net " + written, -1);
    }
    checkBackoff();
  }

  /** I-12: no XA branch is prepared (in doubt) or still open in any XA database. */
  void noXaInDoubt(String when) {
    for (SimXaDatabase db : run.xaDatabases) {
      if (!db.inDoubt().isEmpty() || !db.open().isEmpty()) {
        throw new Violation("I-12", db.name() + " " + when + ": in doubt " + db.inDoubt()
            + ", open " + db.open(), -1);
      }
    }
  }

  /** I-1 (acknowledged gids stay stored) and I-2 (status only moves along the table). */
  private void storeChecks() {
    for (String gid : run.specs.keySet()) {
      TxStatus now = run.storedStatus(gid);
      if (now == null) {
        if (run.acked.containsKey(gid)) {
          throw new Violation("I-1", "acknowledged " + gid + " is not in the store", -1);
        }
        continue;
      }
      TxStatus before = seen.put(gid, now);
      if (before != null && before != now && !reachable(before, now)) {
        throw new Violation("I-2", gid + " went " + before + " -> " + now, -1);
      }
    }
  }

  private static boolean reachable(TxStatus from, TxStatus to) {
    for (TxStatus next : from.successors()) {
      if (next == to || reachable(next, to)) {
        return true;
      }
    }
    return false;
  }

  /** I-3 (at most one effect per op) and I-6 (no action effect after its compensation row). */
  private void ledgerChecks() {
    Set<String> applied = new HashSet<>();
    Set<String> undone = new HashSet<>();
    for (Ledger.Entry e : run.ledger.entries()) {
      String branch = e.gid() + "/" + e.branchId();
      if (e.op() == BranchOp.COMPENSATE && e.effect() != Ledger.Effect.NONE) {
        undone.add(branch);
      }
      if (e.effect() != Ledger.Effect.APPLIED) {
        continue;
      }
      if (!applied.add(branch + "/" + e.op())) {
        throw new Violation("I-3", "second effect of " + branch + "/" + e.op(), -1);
      }
      if (e.op() == BranchOp.ACTION && undone.contains(branch)) {
        throw new Violation("I-6", "action of " + branch + " took effect after its compensation",
            -1);
      }
    }
  }

  /**
   * I-17: after an outcome is recorded, a node never calls that op again sooner than the backoff
   * allows, as its own clock measures. Not compared: calls by different nodes (with skewed clocks
   * their times do not compare; CAS keeps them safe), a stale holder resuming after a pause, and
   * a call repeating an attempt whose outcome was never recorded (a crash, a store fault or a
   * lost lease: at-least-once delivery calls it again).
   */
  private void checkBackoff() {
    Map<String, SimRun.EngineCall> last = new HashMap<>();
    for (SimRun.EngineCall c : run.engineCalls) {
      if (c.stale()) {
        continue;
      }
      String key = c.ctx().gid() + "/" + c.ctx().branchId() + "/" + c.ctx().op();
      SimRun.EngineCall previous = last.put(key, c);
      if (previous == null || !previous.caller().equals(c.caller())
          || !previous.skew().equals(c.skew())
          || c.ctx().attempt() <= previous.ctx().attempt()) {
        continue;
      }
      Instant before = previous.at();
      if (Duration.between(before, c.at()).compareTo(MIN_CALL_GAP) < 0) {
        throw new Violation("I-17", key + " called again after only "
            + Duration.between(before, c.at()) + "; calls: " + run.engineCalls.stream()
            .filter(e -> (e.ctx().gid() + "/" + e.ctx().branchId() + "/" + e.ctx().op())
                .equals(key))
            .map(e -> e.caller() + "@" + e.at() + "#" + e.ctx().attempt()
                + (e.stale() ? "(stale)" : ""))
            .toList(), -1);
      }
    }
  }

  /** Gids stored but not terminal. */
  List<String> unfinished() {
    List<String> open = new ArrayList<>();
    for (TxRecord r : all()) {
      if (!r.status().isTerminal()) {
        open.add(r.gid());
      }
    }
    return open;
  }

  private List<TxRecord> all() {
    List<TxRecord> all = new ArrayList<>();
    TxQuery q = TxQuery.all(TxQuery.MAX_LIMIT);
    while (true) {
      TxPage page = run.log.query(q);
      all.addAll(page.records());
      Optional<String> next = page.next();
      if (next.isEmpty()) {
        return all;
      }
      q = q.after(next.get());
    }
  }

  private static String branchId(int step) {
    return String.format("%02d", step + 1);
  }
}
