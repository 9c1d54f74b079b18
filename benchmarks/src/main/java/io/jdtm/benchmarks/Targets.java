package io.jdtm.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The performance targets of the project's performance issue, each checked against one run's
 * results: the measured ratio (or latency) beside the goal, and whether it is met. Every ratio
 * divides two figures of the same run. A target whose figures the run lacks is listed as not
 * measured, never left out. Targets at "1 and 8 threads" get one row per thread count.
 *
 * <p>Immutable and thread-safe.
 */
final class Targets {
  /** Whether a measured figure meets its goal. */
  enum Verdict {
    MET("yes"), MISSED("**no**"), NOT_MEASURED("not measured"), INFO("no target");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }
  }

  /**
   * One target, as the table shows it.
   *
   * @param target what is compared with what
   * @param goal the goal, e.g. {@code >= 0.80x}
   * @param measured the measured figure and what it is made of, or {@code -}
   */
  record Row(String target, String goal, String measured, Verdict verdict) {}

  private static final int[] THREADS = {1, 8};

  private final List<JmhResult> rows;

  Targets(List<JmhResult> rows) {
    this.rows = List.copyOf(rows);
  }

  /** Every target, in the order, then the figures that have no target. */
  List<Row> check() {
    List<Row> out = new ArrayList<>();
    postgres(out);
    h2(out);
    messages(out);
    memory(out);
    out.addAll(new RecoveryTargets(rows).check());
    redis(out);
    out.add(writeDelay());
    return out;
  }

  private void postgres(List<Row> out) {
    for (int t : THREADS) {
      Optional<JmhResult> saga = saga("postgres", 3, t);
      out.add(atLeast("PostgreSQL, 3-step saga / raw JDBC, " + threads(t), t == 1 ? 0.8 : 1.0,
          saga, saga.flatMap(this::baselineOf)));
    }
    List<Integer> longRuns = rows.stream().filter(r -> isSaga(r, "postgres", 50))
        .map(JmhResult::threads).distinct().sorted().toList();
    for (int t : longRuns.isEmpty() ? List.of(1) : longRuns) {
      out.add(flat(t));
    }
  }

  /** The 50-step ratio to the baseline at {@code t} threads against the 3-step one. */
  private Row flat(int t) {
    String target = "PostgreSQL, 50-step saga / raw JDBC, " + threads(t) + ": flat from 3 steps";
    String goal = ">= 0.9 x the 3-step ratio";
    Optional<Double> r50 = saga("postgres", 50, t).flatMap(this::ratioToBaseline);
    Optional<Double> r3 = saga("postgres", 3, t).flatMap(this::ratioToBaseline);
    if (r50.isEmpty() || r3.isEmpty()) {
      return new Row(target, goal, "-", Verdict.NOT_MEASURED);
    }
    return new Row(target, goal, ResultTables.ratio(r50.get(), 1) + " (3 steps: "
        + ResultTables.ratio(r3.get(), 1) + ")",
        r50.get() >= 0.9 * r3.get() ? Verdict.MET : Verdict.MISSED);
  }

  private void h2(List<Row> out) {
    for (String h2 : List.of("file", "mem")) {
      for (int t : THREADS) {
        Optional<JmhResult> seata = peer("SeataSagaPeerBenchmark", "saga", t, h2);
        out.add(atLeast("H2 " + h2 + ", 3-step saga / Seata's saga engine, " + threads(t), 2.0,
            seata.flatMap(p -> PeerMatch.jdtmRowFor(p, rows)), seata));
      }
      out.add(atLeast("H2 " + h2 + ", 3-step saga, 8 threads / 1 thread", 1.0,
          saga("h2" + h2, 3, 8), saga("h2" + h2, 3, 1)));
    }
  }

  private void messages(List<Row> out) {
    for (String h2 : List.of("mem", "file")) {
      for (String method : List.of("commit", "delivered")) {
        for (int t : THREADS) {
          Optional<JmhResult> outbox = peer("OutboxPeerBenchmark", method, t, h2);
          out.add(atLeast("H2 " + h2 + ", 2-phase message / transaction-outbox, "
              + (method.equals("commit") ? "commit rate" : "delivered") + ", " + threads(t), 1.0,
              outbox.flatMap(p -> PeerMatch.jdtmRowFor(p, rows)), outbox));
        }
      }
    }
  }

  private void memory(List<Row> out) {
    for (int t : THREADS) {
      Optional<JmhResult> camel = peer("CamelSagaPeerBenchmark", "saga", t, null);
      out.add(atLeast("Memory, 3-step saga / Camel's saga EIP, " + threads(t), 0.5,
          camel.flatMap(p -> PeerMatch.jdtmRowFor(p, rows)), camel));
    }
    Optional<JmhResult> saga = saga("memory", 3, 8);
    String target = "Memory, 3-step saga, p99 from submit to end, 8 threads";
    out.add(saga.filter(r -> !Double.isNaN(r.p99()))
        .map(r -> new Row(target, "< 1 ms", String.format(Locale.ROOT, "%.2f ms", r.p99()),
            r.p99() < 1.0 ? Verdict.MET : Verdict.MISSED))
        .orElse(new Row(target, "< 1 ms", "-", Verdict.NOT_MEASURED)));
  }

  /**
   * The Redis store's targets: DTM's published 10,800 sagas/s at 8 threads, and the ratio to raw
   * Lettuce doing the same commands, on standalone Redis and on the local Cluster.
   */
  private void redis(List<Row> out) {
    for (String store : List.of("redis", "redis-cluster")) {
      String name = store.equals("redis") ? "Redis" : "Redis Cluster";
      Optional<JmhResult> eight = saga(store, 3, 8);
      String target = name + ", 3-step saga, 8 threads (DTM's published figure)";
      out.add(eight.map(r -> new Row(target, ">= 10,800 per s",
              ResultTables.ops(r.opsPerSecond()) + " per s",
              r.opsPerSecond() >= 10_800 ? Verdict.MET : Verdict.MISSED))
          .orElse(new Row(target, ">= 10,800 per s", "-", Verdict.NOT_MEASURED)));
      for (int t : THREADS) {
        Optional<JmhResult> saga = saga(store, 3, t);
        out.add(atLeast(name + ", 3-step saga / raw Lettuce, " + threads(t), 0.7, saga,
            saga.flatMap(this::baselineOf)));
      }
    }
  }

  /** The price of write-through commits on H2 files: a figure without a target. */
  private Row writeDelay() {
    Optional<JmhResult> through = writeDelayRow(0);
    Optional<JmhResult> delayed = writeDelayRow(500);
    String target = "H2 file, 3-step saga, write-through (`WRITE_DELAY=0`, the store's default) "
        + "/ H2's default `WRITE_DELAY=500`, 1 thread";
    String measured = through.isEmpty() || delayed.isEmpty() ? "not measured"
        : measured(through.get(), delayed.get());
    return new Row(target, "none (the price of durability)", measured, Verdict.INFO);
  }

  /** The write-delay benchmark's row at one thread for a {@code WRITE_DELAY} value. */
  Optional<JmhResult> writeDelayRow(int writeDelay) {
    return find(r -> r.benchmark().equals("H2WriteDelayBenchmark") && r.method().equals("saga")
        && r.threads() == 1 && r.param("writeDelay", "").equals(Integer.toString(writeDelay)));
  }

  private Row atLeast(String target, double goal, Optional<JmhResult> mine,
      Optional<JmhResult> theirs) {
    String goalText = String.format(Locale.ROOT, ">= %.1fx", goal);
    if (mine.isEmpty() || theirs.isEmpty()) {
      return new Row(target, goalText, "-", Verdict.NOT_MEASURED);
    }
    return new Row(target, goalText, measured(mine.get(), theirs.get()),
        ratio(mine.get(), theirs.get()) >= goal ? Verdict.MET : Verdict.MISSED);
  }

  /** {@code 0.52x (1,000 / 1,923 per s)}. */
  static String measured(JmhResult mine, JmhResult theirs) {
    return ResultTables.ratio(mine.opsPerSecond(), theirs.opsPerSecond()) + " ("
        + ResultTables.ops(mine.opsPerSecond()) + " / " + ResultTables.ops(theirs.opsPerSecond())
        + " per s)";
  }

  private static double ratio(JmhResult mine, JmhResult theirs) {
    return mine.opsPerSecond() / theirs.opsPerSecond();
  }

  private Optional<JmhResult> saga(String store, int steps, int threads) {
    return find(r -> isSaga(r, store, steps) && r.threads() == threads);
  }

  private static boolean isSaga(JmhResult r, String store, int steps) {
    return r.benchmark().equals("SagaBenchmark") && r.method().equals("saga")
        && r.param("store", "").equals(store)
        && r.param("steps", "").equals(Integer.toString(steps));
  }

  private Optional<Double> ratioToBaseline(JmhResult r) {
    return baselineOf(r).map(b -> ratio(r, b));
  }

  private Optional<JmhResult> baselineOf(JmhResult r) {
    return find(b -> b.method().equals(r.method() + "Baseline") && b.sameWorkload(r));
  }

  /** A peer's row of 3 steps (where it has steps) on {@code h2} (where it has a database). */
  private Optional<JmhResult> peer(String benchmark, String method, int threads, String h2) {
    return find(r -> r.isPeer() && r.benchmark().equals(benchmark) && r.method().equals(method)
        && r.threads() == threads && r.param("steps", "3").equals("3")
        && (h2 == null || r.param("h2", "").equals(h2)));
  }

  private Optional<JmhResult> find(Predicate<JmhResult> which) {
    return rows.stream().filter(which).findFirst();
  }

  private static String threads(int t) {
    return t == 1 ? "1 thread" : t + " threads";
  }
}
