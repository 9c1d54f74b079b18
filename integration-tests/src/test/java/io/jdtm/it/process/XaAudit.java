package io.jdtm.it.process;

import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks of {@link XaKillNineIT} after the drain: every transaction terminal; every
 * acknowledged transfer SUCCEEDED and every refused one FAILED; each global transaction all or
 * nothing across the two banks (SUCCEEDED: one journal row in each bank, netting zero, and both
 * barrier rows say {@code action}; FAILED: no journal row and no committed barrier row in either);
 * each bank's balances agree with its journal, none negative, and money conserved across both.
 * Not thread-safe.
 */
final class XaAudit {
  private static final String BRANCH_B = "01";
  private static final String BRANCH_A = "02";

  private final List<String> violations = new ArrayList<>();
  private final Map<String, TxStatus> statuses;

  private XaAudit(Map<String, TxStatus> statuses) {
    this.statuses = statuses;
  }

  /** What the audit reads of one bank. */
  record Books(List<XaBank.Entry> entries, long total, long negatives,
      Map<String, String> barrierReasons) {
    static Books read(XaBank bank, Connection c) throws SQLException {
      return new Books(bank.entries(c), bank.totalBalance(c), bank.negativeBalances(c),
          bank.barrierReasons(c));
    }

    Map<String, List<XaBank.Entry>> byGid() {
      return entries.stream().collect(Collectors.groupingBy(XaBank.Entry::gid));
    }

    long journalled() {
      return entries.stream().mapToLong(XaBank.Entry::delta).sum();
    }
  }

  static XaAudit of(TransactionStore store, List<String> acknowledged, List<String> refused,
      Books a, Books b, long openingPerBank) {
    XaAudit audit = new XaAudit(statuses(store));
    audit.checkTerminal();
    audit.checkOutcomes(acknowledged, TxStatus.SUCCEEDED, "acknowledged");
    audit.checkOutcomes(refused, TxStatus.FAILED, "refused");
    audit.checkAllOrNothing(a, b);
    audit.checkBooks("bank A", a, openingPerBank);
    audit.checkBooks("bank B", b, openingPerBank);
    audit.check(a.total() + b.total() == 2 * openingPerBank, "money not conserved: the banks "
        + "hold " + a.total() + " + " + b.total() + ", opened with " + 2 * openingPerBank);
    return audit;
  }

  List<String> violations() {
    return violations;
  }

  long count(TxStatus status) {
    return statuses.values().stream().filter(s -> s == status).count();
  }

  int stored() {
    return statuses.size();
  }

  /** Every transaction in the store, by gid. */
  static Map<String, TxStatus> statuses(TransactionStore store) {
    Map<String, TxStatus> out = new HashMap<>();
    TxQuery query = TxQuery.all(TxQuery.MAX_LIMIT);
    while (true) {
      TxPage page = store.query(query);
      page.records().forEach(r -> out.put(r.gid(), r.status()));
      Optional<String> next = page.next();
      if (next.isEmpty()) {
        return out;
      }
      query = query.after(next.get());
    }
  }

  private void checkTerminal() {
    statuses.forEach((gid, s) -> check(s.isTerminal(), gid + " is " + s + " after the drain"));
  }

  private void checkOutcomes(List<String> gids, TxStatus expected, String what) {
    for (String gid : gids) {
      TxStatus s = statuses.get(gid);
      check(s == expected, what + " " + gid + " is " + (s == null ? "not in the store" : s)
          + ", expected " + expected);
    }
  }

  private void checkAllOrNothing(Books a, Books b) {
    Map<String, List<XaBank.Entry>> inA = a.byGid();
    Map<String, List<XaBank.Entry>> inB = b.byGid();
    Set<String> gids = new HashSet<>(statuses.keySet());
    gids.addAll(inA.keySet());
    gids.addAll(inB.keySet());
    for (String gid : gids) {
      List<XaBank.Entry> ea = inA.getOrDefault(gid, List.of());
      List<XaBank.Entry> eb = inB.getOrDefault(gid, List.of());
      TxStatus status = statuses.get(gid);
      String shown = gid + " " + status + " with journal A " + ea + ", B " + eb;
      if (status == TxStatus.SUCCEEDED) {
        check(ea.size() == 1 && eb.size() == 1 && ea.get(0).branchId().equals(BRANCH_A)
            && eb.get(0).branchId().equals(BRANCH_B) && ea.get(0).delta() != 0
            && ea.get(0).delta() + eb.get(0).delta() == 0, shown);
        check("action".equals(a.barrierReasons().get(gid + "/" + BRANCH_A))
            && "action".equals(b.barrierReasons().get(gid + "/" + BRANCH_B)),
            gid + " SUCCEEDED with barrier rows A " + a.barrierReasons().get(gid + "/" + BRANCH_A)
            + ", B " + b.barrierReasons().get(gid + "/" + BRANCH_B));
      } else if (status == TxStatus.FAILED) {
        check(ea.isEmpty() && eb.isEmpty(), shown);
        for (String key : List.of(gid + "/" + BRANCH_A, gid + "/" + BRANCH_B)) {
          check(!"action".equals(a.barrierReasons().get(key))
              && !"action".equals(b.barrierReasons().get(key)),
              gid + " FAILED but a branch committed its barrier row: " + key);
        }
      } else if (status == null) {
        check(false, gid + " changed a balance but is not in the store: " + shown);
      }
    }
  }

  private void checkBooks(String name, Books books, long opening) {
    check(books.total() == opening + books.journalled(), name + " holds " + books.total()
        + " but opened with " + opening + " and journalled " + books.journalled());
    check(books.negatives() == 0, name + " has " + books.negatives() + " negative balances");
  }

  private void check(boolean ok, String violation) {
    if (!ok) {
      violations.add(violation);
    }
  }
}
