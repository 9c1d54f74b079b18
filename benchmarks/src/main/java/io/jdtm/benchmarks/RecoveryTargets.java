package io.jdtm.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The recovery targets, read from {@code RecoveryBenchmark}'s rows: a backlog drained with default
 * settings at half the steady-state throughput or more, spread evenly over the managers.
 *
 * <p>Steady state is the higher of two figures of the same run: the benchmark's own {@code
 * drainBaseline} (the same sagas submitted to the same managers) and {@code SagaBenchmark}'s
 * 3-step saga on the same store at any thread count; taking the higher one keeps a weak baseline
 * from flattering the drain. The spread is met when every manager finished between half and one
 * and a half times its fair share ({@code 1 / managers}) of the backlog, read from the benchmark's
 * secondary scores {@code manager1..N}. Without such rows, the targets are listed as not
 * measured.
 *
 * <p>Immutable and thread-safe.
 */
final class RecoveryTargets {
  static final String BENCHMARK = "RecoveryBenchmark";

  private final List<JmhResult> rows;

  RecoveryTargets(List<JmhResult> rows) {
    this.rows = List.copyOf(rows);
  }

  List<Targets.Row> check() {
    List<Targets.Row> out = new ArrayList<>();
    List<Targets.Row> spread = new ArrayList<>();
    for (JmhResult drain : rows) {
      if (drain.benchmark().equals(BENCHMARK) && drain.method().equals("drain")) {
        steadyOf(drain).ifPresent(steady -> out.add(row(drain, steady)));
        spreadOf(drain).ifPresent(spread::add);
      }
    }
    if (out.isEmpty()) {
      out.add(new Targets.Row("Backlog drained with default settings / steady state, "
          + "every store", ">= 0.5x", "-", Targets.Verdict.NOT_MEASURED));
    }
    if (spread.isEmpty()) {
      spread.add(new Targets.Row("Backlog claims spread evenly over the managers, every store",
          "each 0.5-1.5x its share", "-", Targets.Verdict.NOT_MEASURED));
    }
    out.addAll(spread);
    return out;
  }

  private Targets.Row row(JmhResult drain, JmhResult steady) {
    StringBuilder what = new StringBuilder("Backlog drained with default settings / steady state");
    drain.params().forEach((k, v) -> what.append(", ").append(k).append(' ').append(v));
    double ratio = drain.opsPerSecond() / steady.opsPerSecond();
    return new Targets.Row(what.toString(), ">= 0.5x", Targets.measured(drain, steady)
        + (steady.benchmark().equals(BENCHMARK) ? "" : ", steady state from SagaBenchmark "
            + steady.threads() + " thread" + (steady.threads() == 1 ? "" : "s")),
        ratio >= 0.5 ? Targets.Verdict.MET : Targets.Verdict.MISSED);
  }

  /** The higher steady-state figure of the run for the drain's store (see the class comment). */
  private Optional<JmhResult> steadyOf(JmhResult drain) {
    String store = drain.param("store", "");
    return rows.stream()
        .filter(r -> (r.benchmark().equals(BENCHMARK) && r.method().equals("drainBaseline")
            && r.sameWorkload(drain))
            || (r.benchmark().equals("SagaBenchmark") && r.method().equals("saga")
            && r.param("store", "").equals(store) && r.param("steps", "").equals("3")))
        .max(java.util.Comparator.comparingDouble(JmhResult::opsPerSecond));
  }

  private Optional<Targets.Row> spreadOf(JmhResult drain) {
    int managers = Integer.parseInt(drain.param("managers", "1"));
    if (managers < 2) {
      return Optional.empty();
    }
    double total = 0;
    double[] counts = new double[managers];
    for (int i = 0; i < managers; i++) {
      Double c = drain.secondary().get("manager" + (i + 1));
      if (c == null) {
        return Optional.empty();
      }
      counts[i] = c;
      total += c;
    }
    if (total <= 0) {
      return Optional.empty();
    }
    StringBuilder shares = new StringBuilder();
    boolean even = true;
    for (double c : counts) {
      double share = c / total;
      even &= share >= 0.5 / managers && share <= 1.5 / managers;
      shares.append(shares.length() == 0 ? "" : " / ")
          .append(String.format(Locale.ROOT, "%.0f%%", share * 100));
    }
    return Optional.of(new Targets.Row("Backlog claims spread over the managers, store "
        + drain.param("store", "?") + ", " + managers + " managers", "each 0.5-1.5x its share",
        shares.toString(), even ? Targets.Verdict.MET : Targets.Verdict.MISSED));
  }
}
