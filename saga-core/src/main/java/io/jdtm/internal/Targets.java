package io.jdtm.internal;

import io.jdtm.InvalidTransactionException;
import io.jdtm.Saga;
import java.net.URI;
import java.util.function.Predicate;

/** Parses targets and applies the manager's HTTP allowlist. Thread-safe if the predicate is. */
public final class Targets {
  /** Most distinct targets remembered parsed (the allowlist is still applied every time). */
  private static final int MAX_CACHED = 4096;

  private final Predicate<URI> allowHttp;
  private final java.util.concurrent.ConcurrentHashMap<String, Target> parsed =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Targets(Predicate<URI> allowHttp) {
    this.allowHttp = allowHttp;
  }

  /**
   * Parses the target of a branch op (a handler or an HTTP endpoint) and checks it is allowed.
   *
   * @throws InvalidTransactionException naming the (redacted) target
   */
  public Target branch(String target) {
    Target t = parse(target);
    if (t instanceof Target.BarrierRef) {
      throw new InvalidTransactionException("a barrier (" + Names.quote(target) + ") can only be "
          + "the check-back of a 2-phase message, not a branch target");
    }
    if (t instanceof Target.XaRef) {
      throw new InvalidTransactionException("an XA resource (" + Names.quote(target) + ") is "
          + "the target of XA branches only: run them with tm.xa(...)");
    }
    if (t instanceof Target.None) {
      throw new InvalidTransactionException("Saga.NONE only stands for the missing action or "
          + "compensation of a saga step, not for a branch target here");
    }
    return t;
  }

  /**
   * Parses the target of a saga step's action or compensation: as {@link #branch}, or {@link
   * Saga#NONE} for none.
   *
   * @throws InvalidTransactionException naming the (redacted) target
   */
  public Target sagaOp(String target) {
    if (target == null || target.isEmpty()) {
      throw new InvalidTransactionException("a saga step's action and compensation must not be "
          + "empty: for a step without one, give Saga.NONE");
    }
    return Saga.NONE.equals(target) ? new Target.None() : branch(target);
  }

  /**
   * Parses a target of any kind, a barrier included, and checks it is allowed.
   *
   * @throws InvalidTransactionException naming the (redacted) target
   */
  public Target parse(String target) {
    Target t = target == null ? null : parsed.get(target);
    if (t == null) {
      t = Target.parse(target);
      if (parsed.size() < MAX_CACHED) {
        parsed.put(target, t);
      }
    }
    if (t instanceof Target.Http h && !allowHttp.test(h.uri())) {
      throw new InvalidTransactionException("HTTP target " + Names.quote(
          io.jdtm.Stores.redact(target)) + " is not allowed by this manager's HTTP allowlist");
    }
    return t;
  }
}
