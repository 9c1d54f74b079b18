package io.jdtm.internal;

import io.jdtm.spi.TxRecord;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gids this instance drives, or is about to drive, so that one transaction is never driven
 * twice here. A submit that stores a record while another submit of its gid holds the gid hands
 * the record over: whoever holds the gid starts it when letting go (for example after its own
 * create failed). Thread-safe; each operation is atomic per gid.
 */
final class Reservations {
  /** A held gid; {@code handedOver} is a record stored meanwhile that nobody drives yet. */
  private record Slot(TxRecord handedOver) {}

  private static final Slot HELD = new Slot(null);

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  /** Takes {@code gid} if nobody holds it; returns whether the caller holds it now. */
  boolean reserve(String gid) {
    return slots.putIfAbsent(gid, HELD) == null;
  }

  /** Holds {@code gid} to drive its latest record: a record handed over before is superseded. */
  void hold(String gid) {
    slots.put(gid, HELD);
  }

  /**
   * For a caller that has just stored {@code record} without holding its gid: takes the gid if
   * it is free (the caller then drives the record), else leaves the record to the holder.
   *
   * @return whether the caller holds the gid now
   */
  boolean reserveOrHandOver(TxRecord record) {
    boolean[] taken = new boolean[1];
    slots.compute(record.gid(), (gid, slot) -> {
      taken[0] = slot == null;
      return taken[0] ? HELD : new Slot(record);
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
      return handedOver[0] == null ? null : HELD;
    });
    return handedOver[0];
  }
}
