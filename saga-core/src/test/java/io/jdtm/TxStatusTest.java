package io.jdtm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TxStatusTest {
  private static final Set<String> LEGAL = Set.of(
      "PREPARED->SUBMITTED", "PREPARED->ABORTING", "SUBMITTED->SUCCEEDED",
      "SUBMITTED->ABORTING", "ABORTING->FAILED");

  @Test
  void canMoveTo_everyPair_matchesTheTable() {
    for (TxStatus from : TxStatus.values()) {
      for (TxStatus to : TxStatus.values()) {
        String pair = from + "->" + to;
        assertThat(from.canMoveTo(to)).as(pair).isEqualTo(LEGAL.contains(pair));
        if (LEGAL.contains(pair)) {
          from.checkMoveTo(to, "g");
        } else {
          assertThatThrownBy(() -> from.checkMoveTo(to, "g1"))
              .as(pair)
              .isInstanceOf(IllegalTransitionException.class)
              .hasMessage("[gid=g1] illegal status transition " + from + " -> " + to);
        }
      }
    }
  }

  @Test
  void canReach_followsTheTableTransitively() {
    assertThat(TxStatus.PREPARED.canReach(TxStatus.FAILED)).isTrue();
    assertThat(TxStatus.PREPARED.canReach(TxStatus.SUCCEEDED)).isTrue();
    assertThat(TxStatus.SUBMITTED.canReach(TxStatus.FAILED)).isTrue();
    assertThat(TxStatus.ABORTING.canReach(TxStatus.SUCCEEDED)).isFalse();
    assertThat(TxStatus.SUBMITTED.canReach(TxStatus.PREPARED)).isFalse();
    assertThat(TxStatus.FAILED.canReach(TxStatus.FAILED)).isFalse();
  }

  @Test
  void isTerminal_onlySucceededAndFailed_andTheyHaveNoSuccessors() {
    assertThat(EnumSet.allOf(TxStatus.class)).filteredOn(TxStatus::isTerminal)
        .containsExactlyInAnyOrder(TxStatus.SUCCEEDED, TxStatus.FAILED);
    assertThat(TxStatus.SUCCEEDED.successors()).isEmpty();
    assertThat(TxStatus.FAILED.successors()).isEmpty();
  }

  @Test
  void branchStatus_everyPair_onlyPreparedMovesToAFinalStatus() {
    for (BranchStatus from : BranchStatus.values()) {
      for (BranchStatus to : BranchStatus.values()) {
        boolean legal = from == BranchStatus.PREPARED && to != BranchStatus.PREPARED;
        assertThat(from.canMoveTo(to)).as(from + "->" + to).isEqualTo(legal);
        if (!legal) {
          assertThatThrownBy(() -> from.checkMoveTo(to, "g", "01", BranchOp.ACTION))
              .isInstanceOf(IllegalTransitionException.class)
              .hasMessageContaining("branch=01").hasMessageContaining("op=action");
        }
      }
    }
  }

  @Test
  void branchOp_wireNames_roundTrip() {
    for (BranchOp op : BranchOp.values()) {
      assertThat(BranchOp.fromWire(op.wireName())).isEqualTo(op);
    }
    assertThatThrownBy(() -> BranchOp.fromWire("explode"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'explode'");
  }
}
