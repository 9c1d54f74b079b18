package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.CallResult;
import io.jdtm.InvalidTransactionException;
import io.jdtm.spi.TxOptions;
import io.jdtm.testsupport.FixedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmallPartsTest {
  @Test
  void txOptions_wireForm_roundTrips() {
    TxOptions full = new TxOptions(Duration.ofMinutes(5), Duration.ofSeconds(7), 3,
        Duration.ofMillis(2500), true);
    TxOptions bare = new TxOptions(null, Duration.ofSeconds(10), -1, Duration.ofSeconds(10),
        false);

    assertThat(TxOptions.fromWire(full.toWire())).isEqualTo(full);
    assertThat(TxOptions.fromWire(bare.toWire())).isEqualTo(bare);
    assertThatThrownBy(() -> TxOptions.fromWire("t=;r=oops"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t=;r=oops");
  }

  @Test
  void gids_areValidUniqueAndIncreasing_evenWhenTheClockStallsOrGoesBack() {
    FixedClock clock = new FixedClock(Instant.parse("2030-01-01T00:00:00Z"));
    GidGenerator gen = new GidGenerator(clock);
    Set<String> seen = new HashSet<>();
    String last = "";
    for (int i = 0; i < 50_000; i++) {
      if (i == 20_000) {
        clock.set(Instant.parse("2029-12-31T00:00:00Z")); // backwards
      }
      if (i == 30_000) {
        clock.set(Instant.parse("2030-01-02T00:00:00Z"));
      }
      String gid = gen.next();
      assertThat(Names.isValidGid(gid)).isTrue();
      assertThat(gid).hasSize(26);
      assertThat(gid.compareTo(last)).as("%s after %s", gid, last).isPositive();
      assertThat(seen.add(gid)).isTrue();
      last = gid;
    }
  }

  @Test
  void names_quoteControlCharacter_escapesIt() {
    assertThat(Names.quote("a\nb")).isEqualTo("'a\\u000ab'");
  }

  @Test
  void targets_parseHandlerNamesAndUrls() {
    assertThat(Target.parse("debit")).isEqualTo(new Target.Handler("debit"));
    assertThat(Target.parse("handler:debit").canonical()).isEqualTo("handler:debit");
    assertThat(Target.parse("HTTPS://bank/x?y=1")).isInstanceOf(Target.Http.class);
    assertThatThrownBy(() -> Target.parse("mailto:x"))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("'mailto:x'");
    assertThatThrownBy(() -> Target.parse("http://host:99999/x"))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("port");
    assertThatThrownBy(() -> Target.parse("ftp://svc:S3cr3t@host/x"))
        .isInstanceOf(InvalidTransactionException.class).hasMessageNotContaining("S3cr3t");
  }

  @Test
  void backoff_doublesFromTheFirstErrorWithJitterAndIsCapped() {
    Backoff top = new Backoff(Duration.ofMinutes(10), () -> 0.0);
    Backoff bottom = new Backoff(Duration.ofMinutes(10), () -> 0.999999);

    assertThat(top.afterUnknown(Duration.ofSeconds(10), 1)).isEqualTo(Duration.ofSeconds(20));
    assertThat(top.afterUnknown(Duration.ofSeconds(10), 2)).isEqualTo(Duration.ofSeconds(40));
    assertThat(top.afterUnknown(Duration.ofSeconds(10), 3)).isEqualTo(Duration.ofSeconds(80));
    assertThat(bottom.afterUnknown(Duration.ofSeconds(10), 3))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(top.afterUnknown(Duration.ofSeconds(10), 500)).isEqualTo(Duration.ofMinutes(10));
    assertThat(top.afterOngoing(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
    assertThat(top.afterOngoing(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void httpAnswers_mapLikeDtm() {
    assertThat(HttpInvoker.classify(200, "").result()).isEqualTo(CallResult.SUCCESS);
    assertThat(HttpInvoker.classify(204, null).result()).isEqualTo(CallResult.SUCCESS);
    assertThat(HttpInvoker.classify(200, "{\"dtm_result\":\"SUCCESS\"}").result())
        .isEqualTo(CallResult.SUCCESS);
    assertThat(HttpInvoker.classify(200, "{\"dtm_result\":\"FAILURE\"}").result())
        .isEqualTo(CallResult.FAILURE);
    assertThat(HttpInvoker.classify(200, "{\"dtm_result\":\"ONGOING\"}").result())
        .isEqualTo(CallResult.ONGOING);
    assertThat(HttpInvoker.classify(200, "{\"dtm_result\": 5}").result())
        .isEqualTo(CallResult.SUCCESS);
    assertThat(HttpInvoker.classify(200, "{not json dtm_result").result())
        .isEqualTo(CallResult.SUCCESS);
    assertThat(HttpInvoker.classify(200, "FAILURE").result()).isEqualTo(CallResult.FAILURE);
    assertThat(HttpInvoker.classify(200, " \n{\"dtm_result\":\"FAILURE\"}").result())
        .isEqualTo(CallResult.FAILURE);
    assertThat(HttpInvoker.classify(500, "ONGOING").result()).isEqualTo(CallResult.ONGOING);
    assertThat(HttpInvoker.classify(409, "x").result()).isEqualTo(CallResult.FAILURE);
    assertThat(HttpInvoker.classify(425, "").result()).isEqualTo(CallResult.ONGOING);
    assertThat(HttpInvoker.classify(500, "x").result()).isEqualTo(CallResult.UNKNOWN);
    assertThat(HttpInvoker.classify(302, "").result()).isEqualTo(CallResult.UNKNOWN);
    assertThat(HttpInvoker.classify(404, "x".repeat(1000)).detail()).hasSizeLessThan(220);
  }
}
