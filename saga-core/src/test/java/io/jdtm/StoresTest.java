package io.jdtm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoresTest {
  @Test
  void open_noProviderAccepts_saysWhatIsAvailableAndHidesSecrets() {
    assertThatThrownBy(() -> Stores.open("redis://user:hunter2@127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no store provider accepts 'redis://***@127.0.0.1:6379'")
        .hasMessageContaining("available: none")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void open_blankUri_isRejected() {
    assertThatThrownBy(() -> Stores.open(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void redact_masksUserInfoAndPasswordParameters() {
    assertThat(Stores.redact("jdbc:postgresql://db/x?user=a&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=a&password=***&ssl=true");
    assertThat(Stores.redact("jdbc:h2:./data/x;PASSWORD=abc;MODE=x"))
        .isEqualTo("jdbc:h2:./data/x;PASSWORD=***;MODE=x");
    assertThat(Stores.redact("rediss://:tok@host:6380/0")).isEqualTo("rediss://***@host:6380/0");
  }
}
