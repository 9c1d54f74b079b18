package io.jdtm.it.process;

import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks after the kills and the drain: no acknowledged transfer lost or unfinished (I-1,
 * I-8), money conserved (I-7), at most one move per (gid, branch, op) (I-3), a succeeded transfer
 * has both moves and no undo (I-4), a failed one nets to zero branch by branch (I-5, I-6). Not
 * thread-safe.
 */
final class Audit {
  private static final Set<String> SUCCEEDED_MOVES = Set.of("01/action", "02/action");

  private final List<String> violations = new ArrayList<>();
  private final Map<String, TxStatus> statuses = new HashMap<>();
  private int moves;

  List<String> violations() {
    return violations;
  }

  long count(TxStatus status) {
    return statuses.values().stream().filter(s -> s == status).count();
  }

  int stored() {
    return statuses.size();
  }

  int moves() {
    return moves;
  }

  static Audit of(BankTables tables, TransactionStore store, List<String> acknowledged,
      long openingTotal) throws SQLException {
    Audit audit = new Audit();
    audit.readStatuses(store);
    audit.checkAcknowledged(acknowledged);
    try (Connection c = tables.connect()) {
      long total = tables.totalBalance(c);
      audit.check(total == openingTotal, "money not conserved: balances sum to " + total
          + ", opened with " + openingTotal);
      long orphans = tables.movesWithoutBarrierRow(c);
      audit.check(orphans == 0, orphans + " moves have no barrier row");
      audit.checkMoves(tables.moves(c));
    }
    return audit;
  }

  /** Acknowledged gids the store does not have (I-1, checked after every kill too). */
  static List<String> missing(TransactionStore store, List<String> acknowledged) {
    Map<String, TxStatus> stored = statuses(store);
    return acknowledged.stream().filter(gid -> !stored.containsKey(gid)).toList();
  }

  private static Map<String, TxStatus> statuses(TransactionStore store) {
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

  private void readStatuses(TransactionStore store) {
    statuses.putAll(statuses(store));
    statuses.forEach((gid, s) -> check(s.isTerminal(), gid + " is " + s + " after the drain"));
  }

  private void checkAcknowledged(List<String> acknowledged) {
    for (String gid : acknowledged) {
      check(statuses.containsKey(gid), "acknowledged " + gid + " is not in the store");
    }
  }

  private void checkMoves(List<BankTables.Move> all) {
    moves = all.size();
    Map<String, List<BankTables.Move>> byGid =
        all.stream().collect(Collectors.groupingBy(BankTables.Move::gid));
    byGid.forEach((gid, list) -> {
      Map<String, Long> perOp = list.stream().collect(
          Collectors.groupingBy(m -> m.branchId() + "/" + m.op(), Collectors.counting()));
      perOp.forEach((op, n) -> check(n <= 1, gid + " " + op + " moved " + n + " times"));
      long net = list.stream().mapToLong(BankTables.Move::delta).sum();
      TxStatus status = statuses.get(gid);
      if (status == TxStatus.SUCCEEDED) {
        check(perOp.keySet().equals(SUCCEEDED_MOVES) && net == 0,
            gid + " SUCCEEDED with moves " + perOp + " netting " + net);
      } else if (status == TxStatus.FAILED) {
        checkRolledBack(gid, perOp.keySet(), net);
      } else if (status == null) {
        violations.add(gid + " moved money but is not in the store");
      }
    });
    statuses.forEach((gid, s) -> check(s != TxStatus.SUCCEEDED || byGid.containsKey(gid),
        gid + " SUCCEEDED without any move"));
  }

  private void checkRolledBack(String gid, Set<String> ops, long net) {
    check(net == 0, gid + " FAILED but its moves net " + net);
    for (String branch : new String[] {"01", "02"}) {
      check(ops.contains(branch + "/action") == ops.contains(branch + "/compensate"),
          gid + " FAILED with unmatched moves on branch " + branch + ": " + ops);
    }
  }

  private void check(boolean ok, String violation) {
    if (!ok) {
      violations.add(violation);
    }
  }
}
