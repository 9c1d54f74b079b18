package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.InvalidTransactionException;
import io.jdtm.TransactionManager;
import io.jdtm.TransactionView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** customData is bounded by maxPayloadBytes, counted in UTF-8, for every kind of transaction. */
class CustomDataLimitTest {
  private static final int LIMIT = 100;
  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness();
    tm = h.manager("n", b -> b.maxPayloadBytes(LIMIT));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void customData_overTheLimit_refusedAtSubmitNamingSizeAndLimitNothingStored() {
    String tooLong = "é".repeat(LIMIT / 2) + "x"; // 101 bytes in UTF-8, 51 characters

    assertThatThrownBy(() -> tm.saga("big-saga").customData(tooLong))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("customData is " + (LIMIT + 1) + " bytes")
        .hasMessageContaining("limit is " + LIMIT)
        .hasMessageContaining("maxPayloadBytes")
        .hasMessageNotContaining(tooLong);
    assertThatThrownBy(() -> tm.tcc("big-tcc").customData(tooLong))
        .isInstanceOf(InvalidTransactionException.class);
    assertThatThrownBy(() -> tm.msg("big-msg").customData(tooLong))
        .isInstanceOf(InvalidTransactionException.class);
    assertThat(tm.find("big-saga")).isEmpty();
  }

  @Test
  void customData_atTheLimit_storedWhole() {
    String atLimit = "é".repeat(LIMIT / 2);

    String gid = tm.saga("at-limit").customData(atLimit).step("bankA", "bankA", 1).submit();

    assertThat(tm.find(gid)).map(TransactionView::customData).contains(atLimit);
  }
}
