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
    Object first = new Pair("a", 1);
    Object second = "second";
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

  record Pair(String name, long amount) {}

  record Nested(Pair pair, java.util.UUID id, Kind kind) {}

  record WithList(java.util.List<String> names) {}

  record WithArray(byte[] bytes) {}

  enum Kind { A }

  static final class Bean {
    String name;
  }

  @Test
  void localPayloads_keepOnlyObjectsNoOneCanChange() {
    LocalPayloads locals = new LocalPayloads();
    Object[] payloads = {new Pair("a", 1), new Nested(new Pair("b", 2), java.util.UUID.randomUUID(),
        Kind.A), 42L, Kind.A, new WithList(new java.util.ArrayList<>()),
        new WithArray(new byte[1]), new Bean(), new java.util.ArrayList<>(), new int[1]};
    locals.keep("g", payloads);

    for (int i = 0; i < 4; i++) {
      assertThat(locals.find("g", "0" + (i + 1))).as("payload %d", i + 1).isSameAs(payloads[i]);
    }
    for (int i = 4; i < payloads.length; i++) {
      assertThat(locals.find("g", "0" + (i + 1))).as("payload %d", i + 1).isNull();
    }
  }

  @Test
  void localPayloads_onlyMutableObjects_keepsNothing() {
    LocalPayloads locals = new LocalPayloads();
    locals.keep("g", new Object[] {new Bean(), new java.util.HashMap<>()});

    assertThat(locals.size()).isZero();
  }
}
