package io.jdtm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.InvalidTransactionException;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void isValidGid_acceptsTheGidAlphabetUpTo128Characters() {
    assertThat(Names.isValidGid("order-42_a.b:c")).isTrue();
    assertThat(Names.isValidGid("x".repeat(128))).isTrue();
    assertThat(Names.isValidGid("x".repeat(129))).isFalse();
    assertThat(Names.isValidGid("")).isFalse();
    assertThat(Names.isValidGid(null)).isFalse();
    assertThat(Names.isValidGid("a b")).isFalse();
    assertThat(Names.isValidGid("a/b")).isFalse();
  }

  @Test
  void isValidBranchId_followsTheGidRule() {
    assertThat(Names.isValidBranchId("01-01")).isTrue();
    assertThat(Names.isValidBranchId("01|02")).isFalse();
    assertThat(Names.isValidBranchId(null)).isFalse();
  }

  @Test
  void requireGid_invalid_throwsNamingTheQuotedGidAndTheRule() {
    assertThat(Names.requireGid("g1")).isEqualTo("g1");
    assertThatThrownBy(() -> Names.requireGid("bad\ngid"))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessage("invalid gid 'bad\\u000agid': a gid is 1 to 128 characters of "
            + "A-Z a-z 0-9 _ . : -");
    assertThatThrownBy(() -> Names.requireGid(null))
        .isInstanceOf(InvalidTransactionException.class).hasMessageStartingWith("invalid gid null:");
  }

  @Test
  void quote_shortensLongValuesAndEscapesControlCharacters() {
    assertThat(Names.quote("a\tb")).isEqualTo("'a\\u0009b'");
    assertThat(Names.quote(null)).isEqualTo("null");
    assertThat(Names.quote("y".repeat(100))).isEqualTo("'" + "y".repeat(80) + "...(100 chars)'");
  }

  @Test
  void engineChecks_areTheSpisChecks() {
    assertThat(io.jdtm.internal.Names.quote("a\nb")).isEqualTo(Names.quote("a\nb"));
    assertThat(io.jdtm.internal.Names.isValidGid("a b")).isFalse();
    assertThatThrownBy(() -> io.jdtm.internal.Names.requireGid("a b"))
        .hasMessage(catchMessage(() -> Names.requireGid("a b")));
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("no exception");
  }
}
