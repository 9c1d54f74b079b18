package io.jdtm.store.redis;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.spi.Names;
import io.lettuce.core.cluster.SlotHash;

/**
 * The names of the barrier's keys: {@code <prefix>barrier:{<tag>}|<mode>|<gid>|<branch>|<op>|<id>}.
 * {@code |} is outside the gid and branch alphabet, so no two calls share a key; the tag in braces
 * is the Redis Cluster hash tag that puts every key of one call in one slot. Immutable,
 * thread-safe.
 */
final class BarrierKeys {
  /** The branch of a 2-phase message's local transaction. */
  static final String MSG_BRANCH = "00";
  /** The barrier id of a 2-phase message's local transaction (its one call) and check-back. */
  static final String MSG_BARRIER_ID = "01";
  private static final int MAX_TAG = 128;

  private final String namespace;

  BarrierKeys(String prefix) {
    this.namespace = KeyPrefix.require(prefix) + "barrier:";
  }

  /** Every barrier key starts with this. */
  String namespace() {
    return namespace;
  }

  /** The SCAN pattern matching every barrier key of this prefix (the prefix has no glob chars). */
  String pattern() {
    return namespace + "{*";
  }

  /** The key of the row of {@code op}'s call {@code barrierId} in {@code ctx}'s branch. */
  String row(String tag, BranchContext ctx, BranchOp op, String barrierId) {
    return row(tag, ctx.mode().wireName(), ctx.gid(), ctx.branchId(), op.wireName(), barrierId);
  }

  /** The key of the local transaction of message {@code gid}, where the check-back looks. */
  String msgRow(String tag, String gid) {
    return row(tag, Mode.MSG.wireName(), gid, MSG_BRANCH, BranchOp.MSG.wireName(),
        MSG_BARRIER_ID);
  }

  private String row(String tag, String mode, String gid, String branch, String op, String id) {
    return namespace + "{" + tag + "}|" + mode + "|" + gid + "|" + branch + "|" + op + "|" + id;
  }

  /**
   * Checks a hash tag: 1 to 128 characters, neither braces nor control characters.
   *
   * @throws IllegalArgumentException naming the tag
   */
  static String requireTag(String tag) {
    boolean valid = tag != null && !tag.isEmpty() && tag.length() <= MAX_TAG;
    for (int i = 0; valid && i < tag.length(); i++) {
      char c = tag.charAt(i);
      valid = c != '{' && c != '}' && !Character.isISOControl(c);
    }
    if (!valid) {
      throw new IllegalArgumentException("invalid Redis hash tag " + Names.quote(tag)
          + ": a tag is 1 to " + MAX_TAG + " characters, without braces or control characters");
    }
    return tag;
  }

  /**
   * Checks an effect key: not empty, and outside the barrier's own keys.
   *
   * @throws IllegalArgumentException naming the key
   */
  String requireEffectKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a Redis key must not be " + Names.quote(key));
    }
    if (key.startsWith(namespace)) {
      throw new IllegalArgumentException("key " + Names.quote(key) + " is one of the barrier's "
          + "own keys (prefix '" + namespace + "'); the local work must not change them");
    }
    return key;
  }

  /** The Redis Cluster slot of {@code key}. */
  static int slot(String key) {
    return SlotHash.getSlot(key);
  }

  /**
   * Checks the values a key is made of, before any command.
   *
   * @throws InvalidTransactionException naming the bad gid or branch id, or a MSG op outside
   *     branch {@value #MSG_BRANCH} of a MSG transaction
   */
  static void validate(BranchContext ctx) {
    Names.requireGid(ctx.gid());
    if (!Names.isValidBranchId(ctx.branchId())) {
      throw new InvalidTransactionException("invalid branch id " + Names.quote(ctx.branchId())
          + ": a branch id is 1 to 128 characters of A-Z a-z 0-9 _ . : -", ctx.gid(),
          null, ctx.op());
    }
    if (ctx.op() == BranchOp.MSG
        && (ctx.mode() != Mode.MSG || !MSG_BRANCH.equals(ctx.branchId()))) {
      throw new InvalidTransactionException("the op msg guards the local transaction of a "
          + "2-phase message: mode msg, branch " + MSG_BRANCH + " (the check-back looks there), "
          + "not mode " + ctx.mode().wireName() + " branch " + ctx.branchId(), ctx.gid(),
          ctx.branchId(), ctx.op());
    }
  }

  /** A call as error messages name it. */
  static String describe(BranchContext ctx, String barrierId) {
    return "[gid=" + ctx.gid() + " mode=" + ctx.mode().wireName() + " branch=" + ctx.branchId()
        + " op=" + ctx.op().wireName() + " barrier=" + barrierId + "]";
  }
}
