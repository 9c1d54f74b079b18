package io.jdtm.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the Markdown report of one run's results: store throughput and end-to-end tables, each
 * figure beside its raw baseline and the ratio, then the peers beside the matching jdtm figure.
 * Not thread-safe.
 */
final class ResultTables {
  private static final Set<String> STORE_BENCHMARKS =
      Set.of("StoreWriteBenchmark", "StoreApplyBenchmark", "StoreClaimBenchmark");
  private static final String RECOVERY_BENCHMARK = "RecoveryBenchmark";
  private static final List<String> METHODS =
      List.of("create", "update", "apply", "claimDue", "saga", "tcc", "msg");
  /** Rows by operation, then size (steps or batch), store and threads. */
  private static final Comparator<JmhResult> ORDER = Comparator
      .comparingInt((JmhResult r) -> rank(METHODS, r.method()))
      .thenComparingInt(r -> Integer.parseInt(r.param("steps", r.param("batch", "0"))))
      .thenComparingInt(r -> rank(StoreFixture.NAMES, r.param("store", "")))
      .thenComparingInt(JmhResult::threads);

  private final List<JmhResult> rows;
  private final StringBuilder out = new StringBuilder();

  ResultTables(List<JmhResult> rows) {
    this.rows = List.copyOf(rows);
  }

  String markdown(String machine, String when) {
    out.append("Run ").append(when).append(" on ").append(machine).append(".\n");
    Set<String> jdks = new LinkedHashSet<>();
    Set<String> profiles = new LinkedHashSet<>();
    rows.forEach(r -> {
      jdks.add(r.jdk());
      profiles.add(r.profile());
    });
    out.append("JDK ").append(String.join("; ", jdks)).append(". JMH ")
        .append(String.join("; ", profiles)).append(".\n");
    out.append("Ratios are jdtm / baseline (or jdtm / peer) from the same run; absolute numbers "
        + "move with the machine's load, ratios less so.\n\n");
    storeTable();
    endToEndTable();
    recoveryTable();
    peerTable();
    return out.toString();
  }

  private void storeTable() {
    List<JmhResult> store = measured(r -> STORE_BENCHMARKS.contains(r.benchmark()));
    if (store.isEmpty()) {
      return;
    }
    out.append("### Store throughput (calls/s)\n\n")
        .append("| Operation | Store | Batch | Threads | jdtm | Baseline | Ratio |\n")
        .append("|---|---|--:|--:|--:|--:|--:|\n");
    for (JmhResult r : store) {
      Optional<JmhResult> base = baselineOf(r);
      out.append(row(r.method(), r.param("store", "?"), r.param("batch", ""), r.threads(),
          ops(r.opsPerSecond()), base.map(b -> ops(b.opsPerSecond())).orElse("-"),
          base.map(b -> ratio(r.opsPerSecond(), b.opsPerSecond())).orElse("-")));
    }
    out.append('\n');
  }

  private void endToEndTable() {
    // The write-delay figures have no baseline: their ratio is in the targets table.
    List<JmhResult> e2e = measured(r -> !STORE_BENCHMARKS.contains(r.benchmark())
        && !r.benchmark().equals("H2WriteDelayBenchmark")
        && !r.benchmark().equals(RECOVERY_BENCHMARK));
    if (e2e.isEmpty()) {
      return;
    }
    out.append("### End to end, submit to terminal status (transactions/s, latency in ms)\n\n")
        .append("| Workload | Store | Steps | Threads | jdtm | p50 | p99 | p99.9 | Baseline "
            + "| Ratio |\n")
        .append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (JmhResult r : e2e) {
      Optional<JmhResult> base = baselineOf(r);
      out.append(row(r.method(), r.param("store", "?"), r.param("steps", ""), r.threads(),
          ops(r.opsPerSecond()), ms(r.p50()), ms(r.p99()), ms(r.p999()),
          base.map(b -> ops(b.opsPerSecond())).orElse("-"),
          base.map(b -> ratio(r.opsPerSecond(), b.opsPerSecond())).orElse("-")));
    }
    out.append('\n');
  }

  private void recoveryTable() {
    List<JmhResult> drains = measured(r -> r.benchmark().equals(RECOVERY_BENCHMARK));
    if (drains.isEmpty()) {
      return;
    }
    drains = drains.stream().sorted(Comparator
        .comparingInt((JmhResult r) -> rank(StoreFixture.NAMES, r.param("store", "")))
        .thenComparingInt(r -> Integer.parseInt(r.param("managers", "1")))).toList();
    out.append("### Recovery of a 10,000-saga backlog with default settings (sagas/s)\n\n")
        .append("| Store | Managers | Drained | Steady state | Drained / steady | Shares |\n")
        .append("|---|--:|--:|--:|--:|---|\n");
    for (JmhResult r : drains) {
      Optional<JmhResult> base = baselineOf(r);
      out.append(row(r.param("store", "?"), r.param("managers", "1"), ops(r.opsPerSecond()),
          base.map(b -> ops(b.opsPerSecond())).orElse("-"),
          base.map(b -> ratio(r.opsPerSecond(), b.opsPerSecond())).orElse("-"),
          shares(r, Integer.parseInt(r.param("managers", "1")))));
    }
    out.append('\n');
  }

  /** Each manager's share of the sagas drained, in percent, from the manager1..N scores. */
  private static String shares(JmhResult r, int managers) {
    double total = 0;
    for (int i = 1; i <= managers; i++) {
      total += r.secondary().getOrDefault("manager" + i, 0.0);
    }
    if (total <= 0) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 1; i <= managers; i++) {
      parts.add(String.format(Locale.ROOT, "%.0f%%",
          100 * r.secondary().getOrDefault("manager" + i, 0.0) / total));
    }
    return String.join(" / ", parts);
  }

  private void peerTable() {
    List<JmhResult> peers = rows.stream().filter(JmhResult::isPeer)
        .sorted(Comparator.comparing((JmhResult r) -> r.benchmark() + "." + r.method()
            + otherParams(r)).thenComparingInt(JmhResult::threads))
        .toList();
    if (peers.isEmpty()) {
      return;
    }
    out.append("### Peers, same workloads (transactions/s)\n\n")
        .append("| Peer benchmark | Threads | Steps | Peer | jdtm | Compared with | jdtm / peer |\n")
        .append("|---|--:|--:|--:|--:|---|--:|\n");
    for (JmhResult p : peers) {
      Optional<JmhResult> mine = PeerMatch.jdtmRowFor(p, rows);
      out.append(row(p.benchmark() + "." + p.method() + otherParams(p), p.threads(),
          p.param("steps", ""),
          ops(p.opsPerSecond()), mine.map(m -> ops(m.opsPerSecond())).orElse("-"),
          PeerMatch.describe(p),
          mine.map(m -> ratio(m.opsPerSecond(), p.opsPerSecond())).orElse("-")));
    }
    out.append('\n');
  }

  private List<JmhResult> measured(java.util.function.Predicate<JmhResult> which) {
    List<JmhResult> picked = new ArrayList<>();
    for (JmhResult r : rows) {
      if (!r.isPeer() && !r.isBaseline() && which.test(r)) {
        picked.add(r);
      }
    }
    picked.sort(ORDER);
    return picked;
  }

  private static int rank(List<String> order, String value) {
    int i = order.indexOf(value);
    return i < 0 ? order.size() : i;
  }

  private Optional<JmhResult> baselineOf(JmhResult r) {
    return rows.stream().filter(b -> b.method().equals(r.method() + "Baseline")
        && b.sameWorkload(r)).findFirst();
  }

  private static String otherParams(JmhResult r) {
    StringBuilder b = new StringBuilder();
    r.params().forEach((k, v) -> {
      if (!k.equals("steps") && !k.equals("threads")) {
        b.append(b.length() == 0 ? " (" : ", ").append(k).append('=').append(v);
      }
    });
    return b.length() == 0 ? "" : b.append(')').toString();
  }

  private static String row(Object... cells) {
    StringBuilder b = new StringBuilder("|");
    for (Object c : cells) {
      b.append(' ').append(c).append(" |");
    }
    return b.append('\n').toString();
  }

  static String ops(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String ratio(double mine, double theirs) {
    double r = mine / theirs;
    return String.format(Locale.ROOT, r < 0.1 ? "%.3fx" : "%.2fx", r);
  }
}
