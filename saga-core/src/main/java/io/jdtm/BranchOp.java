package io.jdtm;

import io.jdtm.spi.Names;
import java.util.Locale;

/** The operation a stored branch op performs. Immutable and thread-safe. */
public enum BranchOp {
  /** Saga forward action; MSG delivery. */
  ACTION,
  /** Saga compensation of an action. */
  COMPENSATE,
  /** TCC try. */
  TRY,
  /** TCC confirm. */
  CONFIRM,
  /** TCC cancel. */
  CANCEL,
  /** XA commit. */
  COMMIT,
  /** XA rollback. */
  ROLLBACK,
  /**
   * The local transaction of a 2-phase message (branch {@code 00}): its barrier row proves the
   * local transaction committed, and the message's check-back is called with this op.
   */
  MSG;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name DTM uses on the wire ({@code op}). */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value when it is not an op
   */
  public static BranchOp fromWire(String name) {
    for (BranchOp op : values()) {
      if (op.name().equalsIgnoreCase(name)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown branch op " + Names.quote(name));
  }

  /** Whether this op undoes another (compensate, cancel, rollback). */
  public boolean isUndo() {
    return this == COMPENSATE || this == CANCEL || this == ROLLBACK;
  }

  /**
   * The op this one undoes, as the barrier needs it: ACTION for COMPENSATE, TRY for CANCEL;
   * {@code null} for every other op.
   */
  public BranchOp origin() {
    return switch (this) {
      case COMPENSATE -> ACTION;
      case CANCEL -> TRY;
      default -> null;
    };
  }
}
