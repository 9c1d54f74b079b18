package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TxStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnsTest {
  @Test
  void dependsOn_idsWithSeparatorsAndEscapes_roundTrip() {
    for (List<String> ids : List.of(List.of("01"), List.of("01", "02-01"), List.of("a,b", "c\\"),
        List.of(""), List.of("", ""), List.of("x", ""), List.of("\\,", ",\\"))) {
      assertThat(Columns.dependsOn(Columns.dependsOn(ids))).as("%s", ids).isEqualTo(ids);
    }
  }

  @Test
  void dependsOn_none_isNull() {
    assertThat(Columns.dependsOn(List.of())).isNull();
    assertThat(Columns.dependsOn((String) null)).isEmpty();
  }

  @Test
  void upperBound_prefix_isTheLeastStringAfterEveryExtension() {
    assertThat(Reads.upperBound("q-saga")).contains("q-sagb");
    assertThat(Reads.upperBound("q_%")).contains("q_&");
    assertThat(Reads.upperBound("a\uffff")).contains("b");
    assertThat(Reads.upperBound("\uffff")).isEmpty();
  }

  @Test
  void accepting_eachNextStatus_isTheStatusesThatCanReachIt() {
    assertThat(Sql.accepting(null, false)).containsExactly("PREPARED", "SUBMITTED", "ABORTING");
    assertThat(Sql.accepting(TxStatus.PREPARED, false)).containsOnly("PREPARED").hasSize(3);
    assertThat(Sql.accepting(TxStatus.SUBMITTED, false)).containsOnly("PREPARED", "SUBMITTED")
        .hasSize(3);
    assertThat(Sql.accepting(TxStatus.ABORTING, false))
        .containsExactly("PREPARED", "SUBMITTED", "ABORTING");
    assertThat(Sql.accepting(TxStatus.SUCCEEDED, false)).containsOnly("PREPARED", "SUBMITTED")
        .hasSize(3);
    assertThat(Sql.accepting(TxStatus.FAILED, false))
        .containsExactly("PREPARED", "SUBMITTED", "ABORTING");
    assertThat(Sql.accepting(null, true)).containsOnly("PREPARED").hasSize(3);
    assertThat(Sql.accepting(TxStatus.ABORTING, true)).containsOnly("PREPARED").hasSize(3);
  }
}
