package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Stores;
import io.jdtm.spi.TransactionStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * H2 connection settings that run code when a connection opens are refused in store URLs unless
 * allowed. Each case keeps its in-memory database open with a connection of its own, so it can
 * tell whether the setting ran.
 */
class H2CodeSettingsTest {
  /** Creates table RAN when it runs. */
  private static final String INIT = ";INIT=CREATE TABLE IF NOT EXISTS RAN(X INT)";

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      INIT                    | ;INIT=CREATE TABLE IF NOT EXISTS RAN(X INT)
      INIT                    | ;init=CREATE TABLE IF NOT EXISTS RAN(X INT)
      INIT                    | ;MODE=REGULAR;INIT=RUNSCRIPT FROM 'http://127.0.0.1:9/x.sql'
      DATABASE_EVENT_LISTENER | ;DATABASE_EVENT_LISTENER='java.lang.Object'
      JAVA_OBJECT_SERIALIZER  | ;JAVA_OBJECT_SERIALIZER='java.lang.Object'
      """)
  void open_codeRunningSetting_refusedNamingItAndTheOptionBeforeConnecting(String name,
      String setting) throws SQLException {
    String url = H2Stores.memoryUrl();
    try (Connection keeper = DriverManager.getConnection(url)) {
      assertThatThrownBy(() -> Stores.open(url + setting + "#jdtm.createSchema=true"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("holds " + name + ", which runs code")
          .hasMessageContaining("allowH2CodeSettings(true)")
          .hasMessageContaining("#jdtm.allowH2CodeSettings=true");
      assertThat(tableRanExists(keeper)).as("the setting did not run").isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void open_initAllowedByBuilderOrUriOption_opensAndRunsIt(boolean byUri) throws SQLException {
    String url = H2Stores.memoryUrl();
    try (Connection keeper = DriverManager.getConnection(url);
        TransactionStore store = byUri
            ? Stores.open(url + INIT + "#jdtm.createSchema=true&jdtm.allowH2CodeSettings=true")
            : JdbcStore.builder().url(url + INIT).createSchema(true).allowH2CodeSettings(true)
                .build()) {
      assertThat(store.load("none")).isEmpty();
      assertThat(tableRanExists(keeper)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {";MODE=REGULAR", ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
      ";TRACE_LEVEL_SYSTEM_OUT=0"})
  void open_settingsThatRunNoCode_opens(String settings) {
    try (TransactionStore store =
        Stores.open(H2Stores.memoryUrl() + settings + "#jdtm.createSchema=true")) {
      assertThat(store.load("none")).isEmpty();
    }
  }

  static boolean tableRanExists(Connection c) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, "RAN", null)) {
      return rs.next();
    }
  }
}
