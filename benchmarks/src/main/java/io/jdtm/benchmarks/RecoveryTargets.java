package io.jdtm.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The recovery targets: a backlog drained with default settings at half the steady-state
 * throughput or more, spread evenly over the managers. Read from {@code RecoveryBenchmark}'s
 * rows: each {@code drain} row against the {@code steady} row of the same parameters and
 * threads. Without such rows, the targets are listed as not measured. The spread over the
 * managers is not in JMH's primary figures, so it is listed as not measured here; the run's
 * results show it where the benchmark reports it.
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
    for (JmhResult drain : rows) {
      if (drain.benchmark().equals(BENCHMARK) && drain.method().equals("drain")) {
        steadyOf(drain).ifPresent(steady -> out.add(row(drain, steady)));
      }
    }
    if (out.isEmpty()) {
      out.add(new Targets.Row("Backlog drained with default settings / steady state, "
          + "every store", ">= 0.5x", "-", Targets.Verdict.NOT_MEASURED));
    }
    out.add(new Targets.Row("Backlog claims spread evenly over the managers, every store",
        "even", "-", Targets.Verdict.NOT_MEASURED));
    return out;
  }

  private Targets.Row row(JmhResult drain, JmhResult steady) {
    StringBuilder what = new StringBuilder("Backlog drained with default settings / steady state");
    drain.params().forEach((k, v) -> what.append(", ").append(k).append(' ').append(v));
    double ratio = drain.opsPerSecond() / steady.opsPerSecond();
    return new Targets.Row(what.toString(), ">= 0.5x", Targets.measured(drain, steady),
        ratio >= 0.5 ? Targets.Verdict.MET : Targets.Verdict.MISSED);
  }

  private Optional<JmhResult> steadyOf(JmhResult drain) {
    return rows.stream().filter(r -> r.method().equals("steady") && r.sameWorkload(drain))
        .findFirst();
  }
}
