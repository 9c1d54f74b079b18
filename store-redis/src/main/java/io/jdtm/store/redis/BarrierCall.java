package io.jdtm.store.redis;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import io.jdtm.spi.Names;
import java.nio.charset.StandardCharsets;
import java.util.ConcurrentModificationException;
import java.util.List;

/**
 * One barrier call's round trips: the probe before the work, the reads the work makes, and the
 * apply after it, each answer turned into the call's outcome. Not thread-safe: one call.
 */
final class BarrierCall {
  private final Link link;
  private final String call;
  private final BranchContext ctx;
  private final String row;
  private final String originRow;
  private final String value;

  BarrierCall(Link link, String call, BranchContext ctx, String row, String originRow,
      String value) {
    this.link = link;
    this.call = call;
    this.ctx = ctx;
    this.row = row;
    this.originRow = originRow;
    this.value = value;
  }

  /** Checks the rules before the work: the outcome without work, or null when it must run. */
  Outcome probe() {
    List<String> answer = run("checking the barrier", new BarrierSteps(null, -1, null, null),
        "probe");
    String verdict = answer.get(0);
    return "run".equals(verdict) ? null : skipped(verdict);
  }

  /** A committed value for the work (null when absent). */
  String read(String key) {
    byte[] value = link.call("reading " + Names.quote(key) + " " + call, ctx.gid(),
        () -> link.async.get(key.getBytes(StandardCharsets.UTF_8)),
        refusal -> refusal.startsWith("WRONGTYPE") ? new IllegalStateException("jdtm Redis "
            + "barrier " + call + ": key " + Names.quote(key) + " does not hold a string value")
            : null);
    if (value == null) {
      return null;
    }
    // Only text: the apply compares the value read with the stored bytes, and bytes that are not
    // UTF-8 would never compare equal after a round trip through a String.
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("jdtm Redis barrier " + call + ": key " + Names.quote(key)
          + " holds " + value.length + " bytes that are not UTF-8 text; the barrier's work can "
          + "read text values only");
    }
  }

  /** Applies {@code steps} after a successful work: {@code outcome}, or why nothing applied. */
  Outcome apply(BarrierSteps steps, Outcome outcome) {
    List<String> answer = run("applying the effects", steps, "apply");
    String verdict = answer.get(0);
    return switch (verdict) {
      case "applied" -> outcome;
      case "floor" -> Outcome.failure("key " + Names.quote(answer.get(1)) + " holds "
          + answer.get(2) + ": the adjustment would take it below its floor; nothing applied");
      case "conflict" -> throw new ConcurrentModificationException("jdtm Redis barrier " + call
          + ": key " + Names.quote(answer.get(1)) + " changed after the local work "
          + "read it; nothing applied, let the op be delivered again");
      case "wrongtype" -> throw new IllegalStateException("jdtm Redis barrier " + call + ": key "
          + Names.quote(answer.get(1)) + " holds a " + answer.get(2)
          + ", not a string; nothing applied");
      case "notinteger" -> throw new IllegalStateException("jdtm Redis barrier " + call
          + ": key " + Names.quote(answer.get(1)) + " does not hold an integer; "
          + "nothing applied");
      case "range" -> throw new IllegalStateException("jdtm Redis barrier " + call + ": key "
          + Names.quote(answer.get(1)) + " would leave +-(2^53 - 1); nothing applied");
      default -> skipped(verdict);
    };
  }

  private Outcome skipped(String verdict) {
    return switch (verdict) {
      case "duplicate", "null" -> Outcome.success();
      case "rolledback" -> Outcome.failure("the check-back already rolled message " + ctx.gid()
          + " back; its local transaction must not run");
      default -> throw new IllegalStateException("jdtm Redis barrier " + call
          + ": the script answered " + Names.quote(verdict));
    };
  }

  private List<String> run(String what, BarrierSteps steps, String mode) {
    boolean hasOrigin = ctx.op().origin() != null;
    boolean msg = ctx.op() == BranchOp.MSG;
    String[][] script = steps.script(row, originRow,
        List.of(mode, hasOrigin ? "1" : "0", value, msg ? "1" : "0"));
    return BarrierScripts.RUN_CALL.run(link, what + " " + call, ctx.gid(), script[0],
        script[1]);
  }
}
