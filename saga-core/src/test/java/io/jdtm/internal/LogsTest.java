package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.spi.QuietLogs;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogsTest {
  /** slf4j-simple logs INFO and above by default, DEBUG not. */
  @Test
  void engineLogger_insideQuietly_demotesInfoWarnAndErrorToDebug() {
    Logger log = Logs.get(LogsTest.class);
    assertThat(log.isDebugEnabled()).isFalse();
    assertThat(log.isWarnEnabled()).isTrue();

    boolean[] enabled = QuietLogs.quietly(
        () -> new boolean[] {log.isInfoEnabled(), log.isWarnEnabled(), log.isErrorEnabled()});

    assertThat(enabled).containsOnly(false);
    assertThat(log.isErrorEnabled()).isTrue();
  }
}
