package io.jdtm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreUriOptionsTest {
  private static final List<String> KNOWN = List.of("prefix", "size", "timeout");
  private static final String URI = "x://***@h#...";

  @Test
  void parse_readsThePairsInOrder() {
    Map<String, String> o = StoreUriOptions.parse("jdtm.timeout=2s&jdtm.prefix=a_", KNOWN, URI);

    assertThat(o).containsExactly(Map.entry("timeout", "2s"), Map.entry("prefix", "a_"));
  }

  @Test
  void parse_badPairs_areRefusedNamingThemAndTheMaskedUri() {
    assertThatThrownBy(() -> StoreUriOptions.parse("jdtm.bogus=1", KNOWN, URI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown jdtm option 'jdtm.bogus' in store URI 'x://***@h#...'; known "
            + "options: jdtm.prefix, jdtm.size, jdtm.timeout");
    assertThatThrownBy(() -> StoreUriOptions.parse("prefix=a", KNOWN, URI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed jdtm option 'prefix=a'").hasMessageContaining(URI);
    assertThatThrownBy(() -> StoreUriOptions.parse("jdtm.size", KNOWN, URI))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> StoreUriOptions.parse("jdtm.size=1&jdtm.size=2", KNOWN, URI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'jdtm.size' is given twice");
  }

  @Test
  void parse_malformedPairWithASecret_isRedacted() {
    assertThatThrownBy(() -> StoreUriOptions.parse("password=hunter2", KNOWN, URI))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("hunter2");
  }

  @Test
  void bool_isTrueOrFalseOnly() {
    assertThat(StoreUriOptions.bool("b", "true")).isTrue();
    assertThat(StoreUriOptions.bool("b", "false")).isFalse();
    assertThatThrownBy(() -> StoreUriOptions.bool("b", "yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdtm option 'jdtm.b' must be true or false, was 'yes'");
  }

  @Test
  void positiveInt_refusesZeroNegativeAndText() {
    assertThat(StoreUriOptions.positiveInt("size", "3")).isEqualTo(3);
    for (String bad : new String[] {"0", "-1", "many", "", "99999999999"}) {
      assertThatThrownBy(() -> StoreUriOptions.positiveInt("size", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("jdtm option 'jdtm.size' must be a positive number, was '" + bad + "'");
    }
  }

  @Test
  void duration_readsEachUnit_zeroIncluded_andNothingElse() {
    assertThat(StoreUriOptions.duration("t", "750ms")).isEqualTo(Duration.ofMillis(750));
    assertThat(StoreUriOptions.duration("t", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(StoreUriOptions.duration("t", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(StoreUriOptions.duration("t", "0s")).isEqualTo(Duration.ZERO);
    for (String bad : new String[] {"30", "1h", "-5s", "PT5S", "1.5s", "", "1234567890s"}) {
      assertThatThrownBy(() -> StoreUriOptions.duration("t", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("jdtm option 'jdtm.t' must be a duration such as 500ms, 10s or 2m, was '"
              + bad + "'");
    }
  }

  @Test
  void positiveDuration_refusesZeroToo() {
    assertThat(StoreUriOptions.positiveDuration("t", "1ms")).isEqualTo(Duration.ofMillis(1));
    for (String bad : new String[] {"0s", "0ms", "5", "1h"}) {
      assertThatThrownBy(() -> StoreUriOptions.positiveDuration("t", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be a positive duration")
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
