package io.jdtm.testkit;

import io.jdtm.BranchOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every call test participants received and every effect they applied, in order. The source of
 * truth for invariants such as "at most one effect per (gid, branch, op)" and "a failed saga nets
 * to zero". Thread-safe.
 */
public final class Ledger {
  /** One call, and what came of it. */
  public record Entry(
      long seq,
      String participant,
      String gid,
      String branchId,
      BranchOp op,
      int attempt,
      Behaviour behaviour,
      Effect effect) {}

  /** What a call did to the participant's state. */
  public enum Effect {
    /** The op took effect. */
    APPLIED,
    /** Already applied before: skipped (barrier: duplicate). */
    DUPLICATE,
    /** A compensation whose action never took effect: skipped (barrier: null compensation). */
    NULL_COMPENSATION,
    /** An action after its compensation: skipped (barrier: anti-hanging). */
    HANGING_BLOCKED,
    /** Nothing was attempted (the behaviour refused, or was ONGOING/THROW). */
    NONE
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Entry> entries = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong();

  Entry add(String participant, String gid, String branchId, BranchOp op, int attempt,
      Behaviour behaviour, Effect effect) {
    lock.lock();
    try {
      Entry e = new Entry(seq.incrementAndGet(), participant, gid, branchId, op, attempt,
          behaviour, effect);
      entries.add(e);
      return e;
    } finally {
      lock.unlock();
    }
  }

  /** Every entry, in order. */
  public List<Entry> entries() {
    lock.lock();
    try {
      return List.copyOf(entries);
    } finally {
      lock.unlock();
    }
  }

  /** Entries of one gid, in order. */
  public List<Entry> entries(String gid) {
    return entries().stream().filter(e -> e.gid().equals(gid)).toList();
  }

  /** Applied effects of one gid, in order. */
  public List<Entry> applied(String gid) {
    return entries(gid).stream().filter(e -> e.effect() == Effect.APPLIED).toList();
  }

  /** How many times {@code (gid, branchId, op)} was called. */
  public long calls(String gid, String branchId, BranchOp op) {
    return entries(gid).stream()
        .filter(e -> e.branchId().equals(branchId) && e.op() == op).count();
  }

  /** How many times {@code (gid, branchId, op)} took effect. */
  public long effects(String gid, String branchId, BranchOp op) {
    return applied(gid).stream()
        .filter(e -> e.branchId().equals(branchId) && e.op() == op).count();
  }
}
