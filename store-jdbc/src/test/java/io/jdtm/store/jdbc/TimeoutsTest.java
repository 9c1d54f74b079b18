package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
  private static final Timeouts SHORT =
      new Timeouts(Duration.ofMillis(1500), Duration.ofMillis(2200));

  @Test
  void applyTo_postgres_setsPoolAndDriverTimeoutsInWholeSeconds() {
    HikariConfig config = new HikariConfig();

    SHORT.applyTo(config, "jdbc:postgresql://db/app");

    assertThat(config.getConnectionTimeout()).isEqualTo(1500);
    assertThat(config.getValidationTimeout()).isEqualTo(1500);
    assertThat(config.getDataSourceProperties())
        .containsEntry("connectTimeout", "2").containsEntry("socketTimeout", "3");
  }

  @Test
  void applyTo_mariadbAndMysql_setsDriverTimeoutsInMilliseconds() {
    for (String url : new String[] {"jdbc:mariadb://db/app", "jdbc:mysql://db/app"}) {
      HikariConfig config = new HikariConfig();

      SHORT.applyTo(config, url);

      assertThat(config.getDataSourceProperties()).as(url)
          .containsEntry("connectTimeout", "1500").containsEntry("socketTimeout", "2200");
    }
  }

  @Test
  void applyTo_defaults_validateWithinFiveSeconds() {
    HikariConfig config = new HikariConfig();

    new Timeouts(Timeouts.DEFAULT_CONNECT, Timeouts.DEFAULT_SOCKET)
        .applyTo(config, "jdbc:mariadb://db/app");

    assertThat(config.getConnectionTimeout()).isEqualTo(10_000);
    assertThat(config.getValidationTimeout()).isEqualTo(5_000);
    assertThat(config.getDataSourceProperties()).containsEntry("socketTimeout", "30000");
  }

  @Test
  void applyTo_timeoutInTheUrl_winsOverOurs() {
    HikariConfig config = new HikariConfig();

    SHORT.applyTo(config, "jdbc:postgresql://db/app?socketTimeout=90");

    assertThat(config.getDataSourceProperties()).doesNotContainKey("socketTimeout")
        .containsKey("connectTimeout");
  }

  @Test
  void applyTo_h2_setsOnlyThePoolTimeout() {
    HikariConfig config = new HikariConfig();

    SHORT.applyTo(config, "jdbc:h2:mem:t");

    assertThat(config.getConnectionTimeout()).isEqualTo(1500);
    assertThat(config.getDataSourceProperties()).isEmpty();
  }

  @Test
  void require_outOfRange_isRejectedNamingTheSetting() {
    assertThatThrownBy(() -> Timeouts.require(Duration.ofMillis(100), Timeouts.MIN_CONNECT,
        "connectTimeout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout").hasMessageContaining("PT0.1S");
    assertThatThrownBy(() -> Timeouts.require(Duration.ofHours(2), Timeouts.MIN_SOCKET,
        "socketTimeout"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketTimeout");
  }
}
