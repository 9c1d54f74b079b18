package io.jdtm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BranchContextTest {
  private static Map<String, String> query(String gid, String mode, String branch, String op) {
    Map<String, String> q = new HashMap<>();
    q.put("gid", gid);
    q.put("trans_type", mode);
    q.put("branch_id", branch);
    q.put("op", op);
    return q;
  }

  @Test
  void fromQuery_whatAnHttpBranchCallCarries_isTheEnginesContext() {
    BranchContext ctx = BranchContext.fromQuery(query("g-1", "tcc", "01-02", "cancel"));

    assertThat(ctx.gid()).isEqualTo("g-1");
    assertThat(ctx.mode()).isEqualTo(Mode.TCC);
    assertThat(ctx.branchId()).isEqualTo("01-02");
    assertThat(ctx.op()).isEqualTo(BranchOp.CANCEL);
    assertThat(ctx.attempt()).isEqualTo(1);
    assertThat(ctx.deadline()).isNull();
  }

  @Test
  void fromQuery_everyModeAndOp_roundTripsItsWireName() {
    for (Mode mode : Mode.values()) {
      for (BranchOp op : BranchOp.values()) {
        BranchContext ctx = BranchContext.fromQuery(
            query("g", mode.wireName(), "01", op.wireName()));
        assertThat(ctx.mode()).isEqualTo(mode);
        assertThat(ctx.op()).isEqualTo(op);
      }
    }
  }

  @Test
  void fromQuery_missingOrInvalidParameter_isNamed() {
    Map<String, String> noOp = query("g", "saga", "01", "action");
    noOp.remove("op");
    assertThatThrownBy(() -> BranchContext.fromQuery(noOp))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("query parameter op is missing");
    assertThatThrownBy(() -> BranchContext.fromQuery(query("g", "saga", "01", "")))
        .hasMessage("query parameter op is missing");
    assertThatThrownBy(() -> BranchContext.fromQuery(query("g/../x", "saga", "01", "action")))
        .hasMessage("query parameter gid: invalid gid 'g/../x'");
    assertThatThrownBy(() -> BranchContext.fromQuery(query("g", "saga", "01 02", "action")))
        .hasMessage("query parameter branch_id: invalid branch id '01 02'");
    assertThatThrownBy(() -> BranchContext.fromQuery(query("g", "batch", "01", "action")))
        .hasMessage("query parameter trans_type: unknown transaction mode 'batch'");
    assertThatThrownBy(() -> BranchContext.fromQuery(query("g", "saga", "01", "x".repeat(500))))
        .hasMessageStartingWith("query parameter op: unknown branch op 'xxx")
        .hasMessageContaining("(500 chars)");
  }

  @Test
  void nextBarrierId_successiveCalls_countFrom01AndEachNewContextStartsAgain() {
    BranchContext first = BranchContext.of("g", Mode.SAGA, "01", BranchOp.ACTION);
    BranchContext redelivery = BranchContext.of("g", Mode.SAGA, "01", BranchOp.ACTION);

    List<String> ids = List.of(first.nextBarrierId(), first.nextBarrierId(),
        first.nextBarrierId());

    assertThat(ids).containsExactly("01", "02", "03");
    assertThat(redelivery.nextBarrierId()).isEqualTo("01");
    assertThat(BranchContext.fromQuery(query("g", "saga", "01", "action")).nextBarrierId())
        .isEqualTo("01");
  }

  @Test
  void nextBarrierId_secondCallOfAMessageLocalTransaction_isRefused() {
    BranchContext local = BranchContext.of("g", Mode.MSG, "00", BranchOp.MSG);

    assertThat(local.nextBarrierId()).isEqualTo("01");
    assertThatThrownBy(local::nextBarrierId).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one barrier call");
  }

  @Test
  void nextBarrierId_concurrentCalls_eachGetADifferentId() throws Exception {
    BranchContext ctx = BranchContext.of("g", Mode.TCC, "01", BranchOp.TRY);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ids.add(pool.submit(ctx::nextBarrierId));
      }
      List<String> got = new ArrayList<>();
      for (Future<String> id : ids) {
        got.add(id.get(10, TimeUnit.SECONDS));
      }

      assertThat(got).doesNotHaveDuplicates().hasSize(100).contains("01", "99", "100");
    } finally {
      pool.shutdownNow();
    }
  }
}
