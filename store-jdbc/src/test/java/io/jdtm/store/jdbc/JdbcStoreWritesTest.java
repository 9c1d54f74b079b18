package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.testkit.StoreInvariants;
import io.jdtm.testkit.TestRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JdbcStoreWritesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private final JdbcStore store = H2Stores.memory();

  @AfterEach
  void checkAndClose() {
    StoreInvariants.check(store);
    store.checkIntegrity();
    store.close();
  }

  @Test
  void apply_updateNamingAMissingBranch_throwsAndRollsBackTheWholeBatch() {
    TxRecord a = created(TestRecords.saga("w-a", T0, T0));
    TxRecord b = created(TestRecords.saga("w-b", T0, T0));
    TxUpdate good = TestRecords.touch(a, T0, T0.plusSeconds(1));
    TxUpdate bad = TxUpdate.builder(b.gid(), 1).updatedAt(T0)
        .branch(new BranchUpdate("09", BranchOp.ACTION, BranchStatus.SUCCEEDED, 1, 0, null, null))
        .build();

    assertThatThrownBy(() -> store.apply(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gid w-b has no branch 09/action");
    assertThat(store.load("w-a")).contains(a);
    assertThat(store.load("w-b")).contains(b);
  }

  @Test
  void apply_batchMixingRejectedStatusChangesWithGoodOnes_appliesOnlyTheGoodOnes() {
    TxRecord done = created(TestRecords.simple("w-done", Mode.SAGA, TxStatus.SUCCEEDED, T0, null));
    TxRecord prepared = created(TestRecords.simple("w-prep", Mode.TCC, TxStatus.PREPARED, T0, T0));
    TxRecord running = created(TestRecords.saga("w-run", T0, T0));
    List<TxUpdate> updates = List.of(
        TestRecords.touch(done, T0, T0),
        TxUpdate.builder(running.gid(), 1).status(TxStatus.PREPARED).updatedAt(T0).build(),
        TxUpdate.builder(running.gid(), 1).status(TxStatus.ABORTING).updatedAt(T0).build(),
        TxUpdate.builder(prepared.gid(), 1).status(TxStatus.SUBMITTED).updatedAt(T0).build());

    assertThat(store.apply(updates)).containsExactly(false, false, true, true);
    assertThat(store.load(done.gid())).contains(done);
    assertThat(store.load(prepared.gid())).contains(prepared.applying(updates.get(3)));
    assertThat(store.load(running.gid())).contains(running.applying(updates.get(2)));
  }

  @Test
  void create_branchesWithBackoffLevels_roundTrip() {
    TxRecord r = TestRecords.saga("w-backoff", T0, T0);
    List<BranchRecord> branches = new ArrayList<>(r.branches());
    BranchRecord b = branches.get(2);
    branches.set(2, new BranchRecord(b.branchId(), b.op(), b.target(), b.payload(), b.dependsOn(),
        b.status(), 4, 3, T0.plusSeconds(8), "timeout"));
    TxRecord withBackoff = r.toBuilder().branches(branches).build();
    created(withBackoff);

    assertThat(store.load(r.gid())).contains(withBackoff);
    assertThat(store.load(r.gid()).orElseThrow().branches().get(2).backoffLevel()).isEqualTo(3);
  }

  @Test
  void update_branchesAddedAtSeveralVersions_keepRegistrationOrder() {
    TxRecord r = created(TestRecords.simple("w-tcc", Mode.TCC, TxStatus.PREPARED, T0, T0));
    List<BranchRecord> added = List.of(branch("02", BranchOp.CONFIRM), branch("02", BranchOp.CANCEL),
        branch("03", BranchOp.CONFIRM), branch("03", BranchOp.CANCEL), branch("10", BranchOp.TRY));
    TxRecord expected = r;
    for (int i = 0; i < added.size(); i += 2) {
      TxUpdate.Builder u = TxUpdate.builder(r.gid(), expected.version()).updatedAt(T0);
      added.subList(i, Math.min(added.size(), i + 2)).forEach(u::addBranch);
      assertThat(store.update(u.build())).isTrue();
      expected = expected.applying(u.build());
    }

    assertThat(store.load(r.gid())).contains(expected);
    assertThat(store.load(r.gid()).orElseThrow().branches()).hasSize(6);
  }

  @Test
  void update_addingABranchOpThatExists_isRejectedAndChangesNothing() {
    TxRecord created = created(TestRecords.simple("w-dup", Mode.TCC, TxStatus.PREPARED, T0, T0));
    TxUpdate first = TxUpdate.builder(created.gid(), 1).updatedAt(T0)
        .addBranch(branch("01", BranchOp.CONFIRM)).build();
    assertThat(store.update(first)).isTrue();
    TxRecord r = created.applying(first);
    TxUpdate u = TxUpdate.builder(r.gid(), r.version()).updatedAt(T0)
        .addBranch(branch("01", BranchOp.CONFIRM)).build();

    assertThatThrownBy(() -> store.update(u))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
    assertThat(store.load(r.gid())).contains(r);
  }

  @Test
  void purge_moreThanOneChunk_deletesEveryFinishedRecordAndItsBranches() {
    int n = Purge.CHUNK * 2 + 17;
    for (int i = 0; i < n; i++) {
      created(TestRecords.simple(String.format("w-old-%04d", i), Mode.SAGA,
          i % 2 == 0 ? TxStatus.SUCCEEDED : TxStatus.FAILED, T0, null));
    }
    created(TestRecords.saga("w-running", T0, T0));

    assertThat(store.purge(T0.plusSeconds(1))).isEqualTo(n);
    assertThat(store.load("w-old-0000")).isEmpty();
    assertThat(store.load("w-running")).isPresent();
  }

  private TxRecord created(TxRecord r) {
    assertThat(store.create(r).created()).isTrue();
    return r;
  }

  private static BranchRecord branch(String id, BranchOp op) {
    return BranchRecord.prepared(id, op, "handler:" + op.wireName(), new byte[] {1}, List.of());
  }
}
