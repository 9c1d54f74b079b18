package io.jdtm;

import io.jdtm.spi.Names;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Where a branch call stands: the global transaction, the branch and op, which attempt this is,
 * and the deadline by which the caller stops waiting. The sub-transaction barrier keys its rows on
 * {@code (mode, gid, branchId, op)} and the barrier id of {@link #nextBarrierId}; a remote HTTP
 * participant receives the same values as the query parameters {@code gid}, {@code trans_type},
 * {@code branch_id} and {@code op} and can rebuild this context with {@link #fromQuery}.
 *
 * <p>One context stands for one invocation (delivery) of a branch op: the manager creates a new
 * one for every call it makes, and a participant rebuilds a new one for every request it gets.
 * Do not keep one to reuse for a later delivery: its barrier calls would not be recognised as
 * repeats.
 *
 * <p>Thread-safe. Immutable except for the count of barrier calls made with it, which {@link
 * #nextBarrierId} advances atomically.
 */
public final class BranchContext {
  private final String gid;
  private final Mode mode;
  private final String branchId;
  private final BranchOp op;
  private final int attempt;
  private final Instant deadline;
  private final AtomicInteger barrierCalls = new AtomicInteger();

  private BranchContext(
      String gid, Mode mode, String branchId, BranchOp op, int attempt, Instant deadline) {
    this.gid = Objects.requireNonNull(gid, "gid");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.branchId = Objects.requireNonNull(branchId, "branchId");
    this.op = Objects.requireNonNull(op, "op");
    this.attempt = attempt;
    this.deadline = deadline;
  }

  /** A context as a participant rebuilds it from a request; attempt 1, no deadline. */
  public static BranchContext of(String gid, Mode mode, String branchId, BranchOp op) {
    return new BranchContext(gid, mode, branchId, op, 1, null);
  }

  /**
   * Rebuilds, in a remote participant, the context of an HTTP branch call from its query
   * parameters {@code gid}, {@code trans_type}, {@code branch_id} and {@code op} (attempt 1, no
   * deadline), checking each, so a barrier keys its rows exactly as an in-process handler's would.
   *
   * @throws IllegalArgumentException naming the parameter that is missing or invalid
   */
  public static BranchContext fromQuery(Map<String, String> parameters) {
    Objects.requireNonNull(parameters, "parameters");
    return of(parameter(parameters, "gid", BranchContext::validGid),
        parameter(parameters, "trans_type", Mode::fromWire),
        parameter(parameters, "branch_id", BranchContext::validBranchId),
        parameter(parameters, "op", BranchOp::fromWire));
  }

  private static <T> T parameter(
      Map<String, String> parameters, String name, Function<String, T> parse) {
    String value = parameters.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("query parameter " + name + " is missing");
    }
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query parameter " + name + ": " + e.getMessage());
    }
  }

  private static String validGid(String value) {
    if (!Names.isValidGid(value)) {
      throw new IllegalArgumentException("invalid gid " + Names.quote(value));
    }
    return value;
  }

  private static String validBranchId(String value) {
    if (!Names.isValidBranchId(value)) {
      throw new IllegalArgumentException("invalid branch id " + Names.quote(value));
    }
    return value;
  }

  /** A context for a given attempt and deadline (the engine's form). */
  public static BranchContext of(
      String gid, Mode mode, String branchId, BranchOp op, int attempt, Instant deadline) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
    return new BranchContext(gid, mode, branchId, op, attempt, deadline);
  }

  public String gid() {
    return gid;
  }

  public Mode mode() {
    return mode;
  }

  public String branchId() {
    return branchId;
  }

  public BranchOp op() {
    return op;
  }

  /** 1 for the first call of this op, 2 for the first retry, and so on. */
  public int attempt() {
    return attempt;
  }

  /**
   * When the manager stops waiting for this call, or {@code null} when unknown. A Java handler
   * still running then is interrupted and its outcome counts as unknown: the op will be called
   * again, so handlers must be idempotent (the barrier makes them so). (With an executor that runs
   * calls on the caller's thread, such as {@code Runnable::run}, calls cannot be timed out.)
   */
  public Instant deadline() {
    return deadline;
  }

  /**
   * The barrier id of the next barrier call made in this invocation, as DTM numbers them: {@code
   * "01"} for the first call, {@code "02"} for the second, and so on. A {@link Barrier} takes
   * exactly one for each {@link Barrier#call call}, so that a handler may make several barrier
   * calls in one branch op, each a local effect of its own taking effect once. A redelivery of
   * the op comes with a new context whose calls count from {@code "01"} again, finding the rows
   * of the earlier delivery's calls in the same order. Make a branch op's barrier calls in the same
   * order on every delivery, one after the other. An id is used up even when its call fails, so
   * never retry a barrier call with the same context: let the manager redeliver instead.
   *
   * <p>The local transaction of a 2-phase message (op {@link BranchOp#MSG}) is a single call with
   * id {@code "01"}, where the check-back looks.
   *
   * @throws IllegalStateException for a second barrier call with op {@link BranchOp#MSG}
   */
  public String nextBarrierId() {
    int call = barrierCalls.incrementAndGet();
    if (op == BranchOp.MSG && call > 1) {
      throw new IllegalStateException("the local transaction of 2-phase message " + gid
          + " is one barrier call, which this context already made; the check-back looks at "
          + "that one only");
    }
    return io.jdtm.internal.Digits.twoDigits(call);
  }

  @Override
  public String toString() {
    return "BranchContext[gid=" + gid + ", mode=" + mode.wireName() + ", branch=" + branchId
        + ", op=" + op.wireName() + ", attempt=" + attempt + "]";
  }
}
