package io.jdtm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The small helpers of the hot path give what the code they replace gave. */
class HotPathPartsTest {
  @Test
  void twoDigits_isWhatTheFormatStringGave() {
    for (int i = 0; i <= 10_000; i++) {
      assertThat(Digits.twoDigits(i)).isEqualTo(String.format(Locale.ROOT, "%02d", i));
    }
    assertThatThrownBy(() -> Digits.twoDigits(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gidCheck_acceptsExactlyTheGidAlphabetAndLength() {
    assertThat(Names.isValidGid("aZ09_.:-")).isTrue();
    assertThat(Names.isValidGid("x".repeat(128))).isTrue();
    assertThat(Names.isValidGid("x".repeat(129))).isFalse();
    assertThat(Names.isValidGid("")).isFalse();
    assertThat(Names.isValidGid(null)).isFalse();
    for (char c : " /\\é+,;#?\u0000".toCharArray()) {
      assertThat(Names.isValidGid("a" + c)).as("char %s", (int) c).isFalse();
    }
  }

  @Test
  void localPayloads_findTheObjectOfBranch01And02_andNothingElse() {
    LocalPayloads locals = new LocalPayloads();
    Object first = new Object();
    Object second = new Object();
    locals.keep("g", new Object[] {first, second});

    assertThat(locals.find("g", "01")).isSameAs(first);
    assertThat(locals.find("g", "02")).isSameAs(second);
    assertThat(locals.find("g", "00")).isNull();
    assertThat(locals.find("g", "03")).isNull();
    assertThat(locals.find("g", "t01")).isNull();
    assertThat(locals.find("other", "01")).isNull();

    locals.drop("g");
    assertThat(locals.find("g", "01")).isNull();
    assertThat(locals.size()).isZero();
  }
}
