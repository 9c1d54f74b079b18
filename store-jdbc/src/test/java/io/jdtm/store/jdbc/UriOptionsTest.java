package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.spi.StoreUriOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UriOptionsTest {
  @Test
  void parse_noOptions_keepsUrlWhole() {
    UriOptions o = UriOptions.parse("jdbc:postgresql://db:5432/app?sslmode=require&user=a");

    assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/app?sslmode=require&user=a");
    assertThat(o.options()).isEmpty();
  }

  @Test
  void parse_optionsAfterJdbcParameters_splitsThemOff() {
    UriOptions o = UriOptions.parse("jdbc:mariadb://db/app?user=a&password=b"
        + "#jdtm.tablePrefix=pay_&jdtm.createSchema=true&jdtm.maxPoolSize=4");

    assertThat(o.jdbcUrl()).isEqualTo("jdbc:mariadb://db/app?user=a&password=b");
    assertThat(o.options()).isEqualTo(
        Map.of("tablePrefix", "pay_", "createSchema", "true", "maxPoolSize", "4"));
  }

  @Test
  void parse_h2UrlWithSemicolonSettings_leavesThemToTheDriver() {
    UriOptions o = UriOptions.parse("jdbc:h2:./data/db;AUTO_SERVER=TRUE#jdtm.createSchema=false");

    assertThat(o.jdbcUrl()).isEqualTo("jdbc:h2:./data/db;AUTO_SERVER=TRUE");
    assertThat(o.options()).containsEntry("createSchema", "false");
  }

  @Test
  void parse_unknownOption_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> UriOptions.parse("jdbc:h2:mem:x#jdtm.prefix=a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown jdtm option 'jdtm.prefix'")
        .hasMessageContaining("jdtm.tablePrefix");
  }

  @Test
  void parse_optionWithoutValueOrNamespace_isMalformed() {
    assertThatThrownBy(() -> UriOptions.parse("jdbc:h2:mem:x#jdtm.createSchema"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> UriOptions.parse("jdbc:h2:mem:x#jdtm.createSchema=true&x=1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
  }

  @Test
  void parse_optionTwice_isRejected() {
    assertThatThrownBy(() -> UriOptions.parse("jdbc:h2:mem:x#jdtm.maxPoolSize=1&jdtm.maxPoolSize=2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void parse_malformedOptionNextToPassword_redactsThePassword() {
    assertThatThrownBy(() -> UriOptions.parse("jdbc:postgresql://h/db?password=hunter2#jdtm.x"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("hunter2");
  }

  @Test
  void parseBoolean_otherThanTrueOrFalse_isRejected() {
    assertThat(StoreUriOptions.bool("createSchema", "true")).isTrue();
    assertThatThrownBy(() -> StoreUriOptions.bool("createSchema", "yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdtm.createSchema").hasMessageContaining("'yes'");
  }

  @Test
  void parsePositiveInt_zeroOrText_isRejected() {
    assertThat(StoreUriOptions.positiveInt("maxPoolSize", "3")).isEqualTo(3);
    assertThatThrownBy(() -> StoreUriOptions.positiveInt("maxPoolSize", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> StoreUriOptions.positiveInt("maxPoolSize", "many"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'many'");
  }

  @Test
  void parse_timeoutOptions_areKnown() {
    UriOptions o = UriOptions.parse(
        "jdbc:postgresql://db/app#jdtm.connectTimeout=2s&jdtm.socketTimeout=1m");

    assertThat(o.options()).isEqualTo(Map.of("connectTimeout", "2s", "socketTimeout", "1m"));
  }

  @Test
  void parseDuration_eachUnit_andNothingElse() {
    assertThat(StoreUriOptions.duration("socketTimeout", "750ms"))
        .isEqualTo(Duration.ofMillis(750));
    assertThat(StoreUriOptions.duration("socketTimeout", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(StoreUriOptions.duration("socketTimeout", "2m")).isEqualTo(Duration.ofMinutes(2));
    for (String bad : new String[] {"30", "1h", "-5s", "PT5S", "1.5s", ""}) {
      assertThatThrownBy(() -> StoreUriOptions.duration("socketTimeout", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jdtm.socketTimeout").hasMessageContaining("'" + bad + "'");
    }
  }
}
