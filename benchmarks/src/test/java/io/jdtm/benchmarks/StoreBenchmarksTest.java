package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls the store benchmarks' methods directly a few times, as JMH would, on the stores that need
 * no server: proves they run without running them as benchmarks.
 */
class StoreBenchmarksTest {
  private static final int CALLS = 3;

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2mem"})
  void writeBenchmark_repeatedCalls_createAndMoveVersions(String store) throws Exception {
    StoreWriteBenchmark b = new StoreWriteBenchmark();
    b.store = store;
    b.openStore();
    try {
      StoreWriteBenchmark.Row row = new StoreWriteBenchmark.Row();
      row.create(b);
      StoreWriteBenchmark.BaselineRow baseRow = new StoreWriteBenchmark.BaselineRow();
      baseRow.create(b);
      for (int i = 0; i < CALLS; i++) {
        assertThat(b.create().created()).isTrue();
        b.createBaseline();
        assertThat(b.update(row)).isTrue();
        assertThat(b.updateBaseline(baseRow)).isTrue();
      }
      assertThat(b.fixture.store().load(row.gid).orElseThrow().version()).isEqualTo(1 + CALLS);
    } finally {
      b.closeStore();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2mem"})
  void applyBenchmark_batchOfFour_appliesEveryUpdate(String store) throws Exception {
    StoreApplyBenchmark b = new StoreApplyBenchmark();
    b.store = store;
    b.batch = 4;
    b.openStore();
    try {
      StoreApplyBenchmark.Batch rows = new StoreApplyBenchmark.Batch();
      rows.create(b);
      StoreApplyBenchmark.BaselineBatch baseRows = new StoreApplyBenchmark.BaselineBatch();
      baseRows.create(b);
      for (int i = 0; i < CALLS; i++) {
        assertThat(b.apply(rows)).containsExactly(true, true, true, true);
        assertThat(b.applyBaseline(baseRows)).isEqualTo(4);
      }
    } finally {
      b.closeStore();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2mem"})
  void claimBenchmark_smallBacklog_claimsAFullBatchEveryCall(String store) throws Exception {
    StoreClaimBenchmark b = new StoreClaimBenchmark();
    b.store = store;
    b.backlog = 2 * StoreClaimBenchmark.LIMIT;
    b.openStore();
    try {
      StoreClaimBenchmark.Backlog backlog = new StoreClaimBenchmark.Backlog();
      backlog.fill(b);
      StoreClaimBenchmark.BaselineBacklog baseBacklog = new StoreClaimBenchmark.BaselineBacklog();
      baseBacklog.fill(b);
      for (int i = 0; i < CALLS; i++) {
        assertThat(b.claimDue(backlog)).hasSize(StoreClaimBenchmark.LIMIT);
        assertThat(b.claimDueBaseline(baseBacklog)).isEqualTo(StoreClaimBenchmark.LIMIT);
      }
    } finally {
      b.closeStore();
    }
  }
}
