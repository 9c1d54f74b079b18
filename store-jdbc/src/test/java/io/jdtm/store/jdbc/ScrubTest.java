package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.DataTruncation;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

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
        + "Detail: Failing row contains (***). H2: <bytes>; "
        + "jdbc:mariadb://***@db/x?password=***");
  }

  @Test
  void text_jdbiStatementContext_removed() {
    String text = "Check constraint violation: \"C\" [23513-232] [statement:\"INSERT INTO t "
        + "(gid, custom_data) VALUES (:gid, :data)\", rewritten:\"x\", parsed:\"y\", "
        + "arguments:{positional:{}, named:{gid:g1,data:{\"card\":\"4111]}\"}}, finder:[]}]";

    assertThat(scrub.text(text)).isEqualTo("Check constraint violation: \"C\" [23513-232]");
    assertThat(scrub.text("Unique index violation [arguments:{named:{reason:pan 4111}}]"))
        .isEqualTo("Unique index violation");
  }

  @Test
  void text_postgresRowAndKeyDetails_valuesRemoved() {
    String row = "ERROR: new row violates check constraint \"c\"\n"
        + "  Detail: Failing row contains (g1, {\"card\": \"4111 (visa)\"}, null).";
    String key = "ERROR: duplicate key value violates unique constraint \"k\"\n"
        + "  Detail: Key (gid, note)=(g1, card 4111) already exists.";

    assertThat(scrub.text(row)).isEqualTo("ERROR: new row violates check constraint \"c\"\n"
        + "  Detail: Failing row contains (***).");
    assertThat(scrub.text(key)).isEqualTo("ERROR: duplicate key value violates unique "
        + "constraint \"k\"\n  Detail: Key (gid, note)=(***) already exists.");
  }

  @Test
  void chain_driverSubclassOfAStandardType_copyKeepsTheStandardType() {
    SQLException timeout = new SQLTransientConnectionException("pool S3cret timed out", "08001",
        7) {
      private static final long serialVersionUID = 1L;
    };

    Throwable copy = scrub.chain(new IllegalStateException("wrapped", timeout));

    assertThat(copy.getCause()).isExactlyInstanceOf(SQLTransientConnectionException.class)
        .hasMessage("pool *** timed out");
    assertThat(((SQLException) copy.getCause()).getErrorCode()).isEqualTo(7);
    assertThat((Throwable) Scrub.sqlCopy(new DataTruncation(1, true, true, 2, 1), "m"))
        .isExactlyInstanceOf(SQLWarning.class);
    assertThat((Throwable) Scrub.sqlCopy(new SQLSyntaxErrorException("x", "42000", 1), "m"))
        .isExactlyInstanceOf(SQLSyntaxErrorException.class);
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

  @Test
  void chain_postgresErrorInGerman_keepsOnlyStateAndPrimaryMessage() {
    PSQLException german = new PSQLException(new ServerErrorMessage("SFEHLER\0VERROR\0C23514\0"
        + "Mneue Zeile verletzt Check-Constraint \"c\"\0"
        + "DFehlgeschlagene Zeile enthält (MARKER)\0HHinweis MARKER\0WWhere MARKER\0P12\0"));
    RuntimeException top = new IllegalStateException("wrapped", german);

    Throwable copy = scrub.chain(top);

    assertThat(copy).isNotSameAs(top);
    assertThat(copy.getCause()).isExactlyInstanceOf(SQLException.class)
        .hasMessage("neue Zeile verletzt Check-Constraint \"c\" (SQLState 23514)");
    assertThat(((SQLException) copy.getCause()).getSQLState()).isEqualTo("23514");
    assertThat(SqlErrors.describe(german)).doesNotContain("MARKER")
        .isEqualTo("neue Zeile verletzt Check-Constraint \"c\" (SQLState 23514, code 0)");
  }

  @Test
  void chain_postgresClientErrorWithoutServerMessage_patternsOnly() {
    PSQLException client = new PSQLException("connection to S3cret refused",
        PSQLState.CONNECTION_UNABLE_TO_CONNECT);

    assertThat(scrub.chain(client)).isExactlyInstanceOf(SQLException.class)
        .hasMessage("connection to *** refused");
  }
}
