package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScrubTest {
  private final Scrub scrub = new Scrub(Set.of("S3cret"));

  @Test
  void text_secretsBatchStatementAndBinaryLiterals_removed() {
    String text = "Incorrect port value : S3cret@db; "
        + "Batch entry 0 INSERT INTO t VALUES (('\\x7b2261'::bytea)) was aborted: ERROR: x "
        + "Detail: Failing row contains (g, \\x7b22). H2: X'7b22616263'; "
        + "jdbc:mariadb://u:pw@db/x?password=p2";

    assertThat(scrub.text(text)).isEqualTo("Incorrect port value : ***@db; "
        + "Batch entry 0 was aborted: ERROR: x "
        + "Detail: Failing row contains (g, <bytes>). H2: <bytes>; "
        + "jdbc:mariadb://***@db/x?password=***");
  }

  @Test
  void chain_nothingToScrub_returnsTheSameThrowable() {
    SQLException e = new SQLException("Access denied for user 'app'", "28000", 1045);

    assertThat(scrub.chain(e)).isSameAs(e);
  }

  @Test
  void chain_secretInACause_copiesKeepingClassStateCodeAndStackTrace() {
    SQLException next = new SQLException("next S3cret", "23514", 0);
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT ('\\x7b') "
        + "was aborted", "23514", 0, new int[0], next);
    batch.setNextException(next);
    RuntimeException top = new IllegalStateException("wrapped", batch);
    top.addSuppressed(new RuntimeException("suppressed S3cret"));

    Throwable copy = scrub.chain(top);

    assertThat(copy).isNotSameAs(top).hasToString("java.lang.IllegalStateException: wrapped");
    assertThat(copy.getStackTrace()).isEqualTo(top.getStackTrace());
    assertThat(copy.getSuppressed()).singleElement()
        .hasToString("java.lang.RuntimeException: suppressed ***");
    SQLException cause = (SQLException) copy.getCause();
    assertThat((Throwable) cause)
        .hasToString("java.sql.BatchUpdateException: Batch entry 0 was aborted");
    assertThat(cause.getSQLState()).isEqualTo("23514");
    assertThat(cause.getStackTrace()).isEqualTo(batch.getStackTrace());
    assertThat((Throwable) cause.getNextException()).isSameAs(cause.getCause())
        .hasToString("java.sql.SQLException: next ***");
  }
}
