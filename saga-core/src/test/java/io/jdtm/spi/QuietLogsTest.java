package io.jdtm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuietLogsTest {
  @Test
  void quietly_nested_staysQuietUntilTheOutermostReturns() {
    assertThat(QuietLogs.isQuiet()).isFalse();

    boolean afterInner = QuietLogs.quietly(() -> {
      QuietLogs.quietly(() -> true);
      return QuietLogs.isQuiet();
    });

    assertThat(afterInner).isTrue();
    assertThat(QuietLogs.isQuiet()).isFalse();
  }

  @Test
  void quietly_workThrows_threadIsLoudAgain() {
    assertThatThrownBy(() -> QuietLogs.quietly(() -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");

    assertThat(QuietLogs.isQuiet()).isFalse();
  }

  @Test
  void quietly_otherThreads_stayLoud() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      boolean otherQuiet = QuietLogs.quietly(() -> CompletableFuture
          .supplyAsync(QuietLogs::isQuiet, other).join());

      assertThat(otherQuiet).isFalse();
    } finally {
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
