package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gids this instance drives, or is about to drive, so that one transaction is never driven
 * twice here. A submit or a recovery claim that stores a record while another caller holds its
 * gid hands the record over: whoever holds the gid starts it when letting go (for example after
 * its own create failed). A record is handed over only when it is newer than the one the holder
 * drives, and a hand-over is kept until the holder lets go, whatever the holder holds meanwhile.
 * Thread-safe; each operation is atomic per gid.
 */
final class Reservations {
  /**
   * A held gid: {@code version} is that of the record its holder drives (0 before it has one);
   * {@code handedOver} is a newer record stored meanwhile that nobody drives yet.
   */
  private record Slot(long version, TxRecord handedOver) {
    Slot handOver(TxRecord record) {
      long newest = handedOver == null ? version : handedOver.version();
      return record.version() > newest ? new Slot(version, record) : this;
    }
  }

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  /** Takes {@code gid} if nobody holds it; returns whether the caller holds it now. */
  boolean reserve(String gid) {
    return slots.putIfAbsent(gid, new Slot(0, null)) == null;
  }

  /**
   * Holds the gid of {@code record} to drive it: a record handed over before is superseded,
   * unless it is newer than {@code record}.
   */
  void hold(TxRecord record) {
    slots.compute(record.gid(), (gid, slot) -> {
      Slot held = new Slot(record.version(), null);
      return slot == null || slot.handedOver() == null ? held : held.handOver(slot.handedOver());
    });
  }

  /**
   * For a caller that has just stored or read {@code record} without holding its gid: takes the
   * gid if it is free (the caller then drives the record), else leaves the record to the holder
   * (which drops it when it drives that record or a newer one already).
   *
   * @return whether the caller holds the gid now
   */
  boolean reserveOrHandOver(TxRecord record) {
    boolean[] taken = new boolean[1];
    slots.compute(record.gid(), (gid, slot) -> {
      taken[0] = slot == null;
      return taken[0] ? new Slot(record.version(), null) : slot.handOver(record);
    });
    return taken[0];
  }

  /**
   * Lets go of {@code gid}, unless a record was handed over meanwhile: then the caller keeps the
   * gid and must drive that record.
   *
   * @return the record handed over, or {@code null} when the gid is free now
   */
  TxRecord release(String gid) {
    TxRecord[] handedOver = new TxRecord[1];
    slots.computeIfPresent(gid, (g, slot) -> {
      handedOver[0] = slot.handedOver();
      return handedOver[0] == null ? null : new Slot(handedOver[0].version(), null);
    });
    return handedOver[0];
  }
}
