package io.jdtm.internal.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

class XidsTest {
  @Test
  void of_shortGid_isTheGlobalId_andTheBranchTheQualifier_neverEmpty() {
    Xid first = Xids.of("order-42", "01");
    Xid second = Xids.of("order-42", "02");

    assertThat(first.getFormatId()).isEqualTo(0x6A64746D);
    assertThat(new String(first.getGlobalTransactionId(), StandardCharsets.US_ASCII))
        .isEqualTo("order-42");
    assertThat(new String(first.getBranchQualifier(), StandardCharsets.US_ASCII))
        .isEqualTo("01/");
    assertThat(first.getBranchQualifier()).isNotEqualTo(second.getBranchQualifier());
    assertThat(first).isEqualTo(Xids.of("order-42", "01")).isNotEqualTo(second);
  }

  @Test
  void parse_roundTrips_theLongestGidWithEveryAllowedCharacter() {
    String gid = ("aZ09_.:-".repeat(16)).substring(0, XaBranchId.MAX_GID);
    Xid xid = Xids.of(gid, "1000");

    assertThat(xid.getGlobalTransactionId()).hasSize(Xid.MAXGTRIDSIZE);
    assertThat(xid.getBranchQualifier()).hasSize(Xid.MAXBQUALSIZE);
    assertThat(Xids.of("g".repeat(64), "01").getBranchQualifier()).hasSize(3);
    assertThat(Xids.parse(xid)).contains(new XaBranchId(gid, "1000"));
    assertThat(Xids.parse(Xids.of("g", "07"))).contains(new XaBranchId("g", "07"));
  }

  @Test
  void parse_ignoresXidsOfOtherFormatsOrShapes() {
    assertThat(Xids.parse(xid(0x6A64746D, "gid", "no-separator"))).isEmpty();
    assertThat(Xids.parse(xid(0x6A64746D, "gid", "/"))).isEmpty();
    assertThat(Xids.parse(xid(0x6A64746D, "bad'gid", "01/"))).isEmpty();
    assertThat(Xids.parse(xid(0x6A64746D, "gi", "01/d"))).isEmpty(); // not how jdtm splits
    assertThat(Xids.parse(xid(0x6A64746D, "gid", "01/"))).contains(new XaBranchId("gid", "01"));
    assertThat(Xids.parse(xid(4660, "gid", "01/"))).isEmpty();
  }

  @Test
  void of_refusesWhatAnXidCannotHold() {
    assertThatThrownBy(() -> Xids.of("g".repeat(XaBranchId.MAX_GID + 1), "01"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 123");
    assertThatThrownBy(() -> Xids.of("it's", "01"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Xids.of("g", "01-01"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Xids.of("g", "10000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Xid xid(int format, String gtrid, String bqual) {
    return new Xid() {
      @Override
      public int getFormatId() {
        return format;
      }

      @Override
      public byte[] getGlobalTransactionId() {
        return gtrid.getBytes(StandardCharsets.US_ASCII);
      }

      @Override
      public byte[] getBranchQualifier() {
        return bqual.getBytes(StandardCharsets.US_ASCII);
      }
    };
  }
}
