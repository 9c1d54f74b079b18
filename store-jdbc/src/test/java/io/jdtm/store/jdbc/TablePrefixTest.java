package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One table prefix rule, one message, wherever a prefix enters, and the README states it. */
class TablePrefixTest {
  private static final String FIFTY = "p".repeat(50);
  private static final String MESSAGE = "invalid table prefix '" + FIFTY + "' (50 characters): a "
      + "table prefix must match [A-Za-z_][A-Za-z0-9_]{0,48}, so that '<prefix>schema_version' "
      + "stays within 63 characters";

  @Test
  void tablePrefix_tooLong_everyEntryPointGivesTheOneMessage() {
    List<Executable> entries = List.of(
        () -> JdbcStore.builder().tablePrefix(FIFTY),
        () -> JdbcBarrier.builder().tablePrefix(FIFTY),
        () -> JdbcSchema.ddl("h2", FIFTY),
        () -> JdbcSchema.barrierDdl("postgresql", FIFTY),
        () -> JdbcStore.builder().url("jdbc:h2:mem:never#jdtm.tablePrefix=" + FIFTY).build());

    for (Executable entry : entries) {
      assertThat(catchThrowable(entry::execute)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage(MESSAGE);
    }
  }

  @Test
  void tablePrefix_longestAllowed_isAccepted() {
    String longest = "p".repeat(49);

    assertThat(Tables.requireValidPrefix(longest)).isEqualTo(longest);
  }

  @Test
  void tablePrefix_controlCharacters_areEscapedInTheMessage() {
    assertThat(catchThrowable(() -> JdbcStore.builder().tablePrefix("a\nb")))
        .hasMessageStartingWith("invalid table prefix 'a\\u000ab' (3 characters): ");
  }

  @Test
  void readme_tablePrefixSentence_statesTheRuleTheCodeChecks() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    // The JDBC part of "Stores" (the Redis part after it states the Redis key prefix rule).
    String jdbc = readme.substring(readme.indexOf("## Stores"), readme.indexOf("### Redis"));

    assertThat(jdbc).contains("Table prefixes must match `" + Tables.PREFIX_RULE + "`")
        .doesNotContainPattern("\\[A-Za-z_]\\[A-Za-z0-9_]\\{0,(?!48\\})");
  }
}
