package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.benchmarks.Targets.Row;
import io.jdtm.benchmarks.Targets.Verdict;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The targets checked against a small sample run (no JMH run). */
class TargetsTest {
  private static List<JmhResult> sample() throws Exception {
    return Report.read(List.of(Path.of(TargetsTest.class.getResource("targets-sample.json")
        .toURI())));
  }

  private static Row row(String targetStart) throws Exception {
    return new Targets(sample()).check().stream()
        .filter(r -> r.target().startsWith(targetStart)).findFirst().orElseThrow();
  }

  @Test
  void check_postgresAtOneThreadAboveGoal_metWithRatioAndFigures() throws Exception {
    assertThat(row("PostgreSQL, 3-step saga / raw JDBC, 1 thread")).isEqualTo(new Row(
        "PostgreSQL, 3-step saga / raw JDBC, 1 thread", ">= 0.8x", "0.90x (900 / 1,000 per s)",
        Verdict.MET));
  }

  @Test
  void check_postgresAtEightThreadsBelowGoal_missed() throws Exception {
    Row r = row("PostgreSQL, 3-step saga / raw JDBC, 8 threads");

    assertThat(r.goal()).isEqualTo(">= 1.0x");
    assertThat(r.measured()).isEqualTo("0.50x (500 / 1,000 per s)");
    assertThat(r.verdict()).isEqualTo(Verdict.MISSED);
  }

  @Test
  void check_fiftyStepRatioWithinATenthOfThreeSteps_flat() throws Exception {
    Row r = row("PostgreSQL, 50-step saga / raw JDBC, 1 thread");

    assertThat(r.measured()).isEqualTo("0.85x (3 steps: 0.90x)");
    assertThat(r.verdict()).isEqualTo(Verdict.MET);
  }

  @Test
  void check_peerBesideJdtm_ratioIsJdtmOverPeer() throws Exception {
    Row r = row("H2 mem, 3-step saga / Seata's saga engine, 1 thread");

    assertThat(r.measured()).isEqualTo("3.00x (3,000 / 1,000 per s)");
    assertThat(r.verdict()).isEqualTo(Verdict.MET);
  }

  @Test
  void check_figuresMissingFromTheRun_listedAsNotMeasured() throws Exception {
    assertThat(row("H2 mem, 3-step saga / Seata's saga engine, 8 threads").verdict())
        .isEqualTo(Verdict.NOT_MEASURED);
    assertThat(row("Memory, 3-step saga / Camel's saga EIP, 1 thread").verdict())
        .isEqualTo(Verdict.NOT_MEASURED);
    assertThat(row("Backlog drained").verdict()).isEqualTo(Verdict.NOT_MEASURED);
  }

  @Test
  void check_everyTargetOfTheIssue_hasARow() throws Exception {
    List<Row> rows = new Targets(List.of()).check();

    assertThat(rows).extracting(Row::target).anySatisfy(t -> assertThat(t).startsWith(
        "PostgreSQL, 3-step saga / raw JDBC, 8 threads"));
    assertThat(rows).hasSize(29);
    assertThat(rows).filteredOn(r -> r.verdict() == Verdict.NOT_MEASURED).hasSize(28);
  }

  @Test
  void check_redis_dtmsFigureAndRatioToRawLettuce() {
    List<JmhResult> results = List.of(
        saga("SagaBenchmark", "saga", "redis", 8, 11_000),
        saga("SagaBenchmark", "sagaBaseline", "redis", 8, 20_000),
        saga("SagaBenchmark", "saga", "redis-cluster", 8, 9_000));
    List<Row> rows = new Targets(results).check();

    assertThat(find(rows, "Redis, 3-step saga, 8 threads (DTM's"))
        .isEqualTo(new Row("Redis, 3-step saga, 8 threads (DTM's published figure)",
            ">= 10,800 per s", "11,000 per s", Verdict.MET));
    assertThat(find(rows, "Redis, 3-step saga / raw Lettuce, 8 threads").measured())
        .isEqualTo("0.55x (11,000 / 20,000 per s)");
    assertThat(find(rows, "Redis, 3-step saga / raw Lettuce, 8 threads").verdict())
        .isEqualTo(Verdict.MISSED);
    assertThat(find(rows, "Redis Cluster, 3-step saga, 8 threads").verdict())
        .isEqualTo(Verdict.MISSED);
    assertThat(find(rows, "Redis Cluster, 3-step saga / raw Lettuce, 8 threads").verdict())
        .isEqualTo(Verdict.NOT_MEASURED);
  }

  private static Row find(List<Row> rows, String start) {
    return rows.stream().filter(r -> r.target().startsWith(start)).findFirst().orElseThrow();
  }

  private static JmhResult saga(String benchmark, String method, String store, int threads,
      double opsPerSecond) {
    return new JmhResult(benchmark, method, "sample", threads,
        java.util.Map.of("store", store, "steps", "3"), opsPerSecond, Double.NaN, Double.NaN,
        Double.NaN, "17", "forks 1", java.util.Map.of());
  }

  @Test
  void check_memoryP99UnderOneMillisecond_met() throws Exception {
    Row r = row("Memory, 3-step saga, p99");

    assertThat(r.measured()).isEqualTo("0.90 ms");
    assertThat(r.verdict()).isEqualTo(Verdict.MET);
  }

  @Test
  void check_writeDelay_ratioWithoutTarget() throws Exception {
    Row r = row("H2 file, 3-step saga, write-through");

    assertThat(r.measured()).isEqualTo("0.40x (400 / 1,000 per s)");
    assertThat(r.verdict()).isEqualTo(Verdict.INFO);
  }

  @Test
  void check_recoveryDrainBesideSteadyState_ratioPerStore() {
    List<JmhResult> rows = List.of(
        result("RecoveryBenchmark", "drain", 600, java.util.Map.of()),
        result("RecoveryBenchmark", "drainBaseline", 1000, java.util.Map.of()));

    Row r = new RecoveryTargets(rows).check().get(0);

    assertThat(r.target()).isEqualTo(
        "Backlog drained with default settings / steady state, store h2mem, managers 3");
    assertThat(r.measured()).isEqualTo("0.60x (600 / 1,000 per s)");
    assertThat(r.verdict()).isEqualTo(Verdict.MET);
  }

  @Test
  void check_recoveryAgainstFasterSagaBenchmark_usesTheHigherSteadyState() {
    JmhResult saga = new JmhResult("SagaBenchmark", "saga", "thrpt", 8,
        java.util.Map.of("store", "h2mem", "steps", "3"), 2000, Double.NaN, Double.NaN,
        Double.NaN, "17", "forks 1", java.util.Map.of());
    List<JmhResult> rows = List.of(
        result("RecoveryBenchmark", "drain", 600, java.util.Map.of()),
        result("RecoveryBenchmark", "drainBaseline", 1000, java.util.Map.of()), saga);

    Row r = new RecoveryTargets(rows).check().get(0);

    assertThat(r.measured()).startsWith("0.30x (600 / 2,000 per s)");
    assertThat(r.verdict()).isEqualTo(Verdict.MISSED);
  }

  @Test
  void check_recoveryShares_evenWithinHalfAndOneAndAHalfFairShares() {
    List<JmhResult> rows = List.of(result("RecoveryBenchmark", "drain", 600,
        java.util.Map.of("manager1", 30.0, "manager2", 30.0, "manager3", 40.0)),
        result("RecoveryBenchmark", "drain", 600,
        java.util.Map.of("manager1", 7.0, "manager2", 3.0, "manager3", 90.0)));

    List<Row> spread = new RecoveryTargets(rows).check().stream()
        .filter(r -> r.target().startsWith("Backlog claims")).toList();

    assertThat(spread).extracting(Row::measured)
        .containsExactly("30% / 30% / 40%", "7% / 3% / 90%");
    assertThat(spread).extracting(Row::verdict).containsExactly(Verdict.MET, Verdict.MISSED);
  }

  private static JmhResult result(String benchmark, String method, double opsPerSecond,
      java.util.Map<String, Double> secondary) {
    java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
    params.put("store", "h2mem");
    params.put("managers", "3");
    return new JmhResult(benchmark, method, "thrpt", 1, params, opsPerSecond, Double.NaN, Double.NaN, Double.NaN, "17", "forks 1", secondary);
  }
}
