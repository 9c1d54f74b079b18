package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import org.junit.jupiter.api.Test;

/** The barrier's key layout, without a server. */
class BarrierKeysTest {
  @Test
  void row_separatesIdsWithACharacterOutsideTheirAlphabet() {
    BarrierKeys keys = new BarrierKeys("app_");

    String row = keys.row("g:1", BranchContext.of("g:1", Mode.TCC, "b:2", BranchOp.CANCEL),
        BranchOp.TRY, "03");

    assertThat(row).isEqualTo("app_barrier:{g:1}|tcc|g:1|b:2|try|03");
    assertThat(keys.msgRow("t", "m1")).isEqualTo("app_barrier:{t}|msg|m1|00|msg|01");
    assertThat(BarrierKeys.slot(row)).isEqualTo(BarrierKeys.slot("balance:{g:1}"));
  }

  @Test
  void barrierKeys_badPrefix_isRefusedNamingIt() {
    assertThatThrownBy(() -> new BarrierKeys("9lives"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'9lives'");
  }
}
