package io.jdtm.testkit;

import io.jdtm.TransactionManager;
import io.jdtm.TransactionView;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** Drives recovery by hand with a {@link ManualClock}, instead of waiting. Thread-safe. */
public final class Recovery {
  private Recovery() {}

  /**
   * Advances {@code clock} by {@code step} and runs one recovery pass on each manager in turn,
   * until every gid is terminal or {@code maxRounds} rounds have run.
   *
   * @return the rounds it took
   * @throws AssertionError naming the unfinished gids when {@code maxRounds} was not enough
   */
  public static int drain(ManualClock clock, Duration step, int maxRounds,
      Collection<String> gids, List<TransactionManager> managers) {
    TransactionManager reader = managers.get(0);
    for (int round = 0; round <= maxRounds; round++) {
      List<String> open = gids.stream().filter(g -> !isTerminal(reader, g)).toList();
      if (open.isEmpty()) {
        return round;
      }
      if (round == maxRounds) {
        throw new AssertionError("not terminal after " + maxRounds + " recovery rounds: "
            + open.subList(0, Math.min(10, open.size())) + (open.size() > 10 ? "..." : ""));
      }
      clock.advance(step);
      for (TransactionManager tm : managers) {
        tm.runRecoveryPass();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private static boolean isTerminal(TransactionManager tm, String gid) {
    return tm.find(gid).map(TransactionView::status).map(s -> s.isTerminal()).orElse(false);
  }
}
