package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.internal.xa.XaBranchId;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the PREPARED records of TCC transactions and 2-phase messages, due at the end of their
 * PREPARED timeout, when recovery aborts a TCC or checks a message back; and the SUBMITTED record
 * of a message submitted without prepare. Thread-safe.
 */
public final class PreparedRecords {
  /** Most actions in one message. */
  public static final int MAX_ACTIONS = 1000;
  private static final byte[] NO_PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  /** One action of a message as the user defined it. */
  public record Action(String target, Object payload) {}

  private final Engine engine;

  public PreparedRecords(Engine engine) {
    this.engine = engine;
  }

  /** A PREPARED TCC record with no branches yet. */
  public TxRecord tcc(String gid, TxOptions options, String customData) {
    return base(gid, Mode.TCC, options, customData, List.of());
  }

  /**
   * A PREPARED XA record with no branches yet.
   *
   * @throws InvalidTransactionException when the gid is too long for an Xid
   */
  public TxRecord xa(String gid, TxOptions options, String customData) {
    Names.requireGid(gid);
    if (gid.length() > XaBranchId.MAX_GID) {
      throw new InvalidTransactionException("an XA transaction's gid has at most "
          + XaBranchId.MAX_GID + " characters (an XA Xid holds 128 bytes: the "
          + "branch id and the gid); this one has " + gid.length(), gid);
    }
    return base(gid, Mode.XA, options, customData, List.of());
  }

  /**
   * A message submitted directly, without prepare and check-back (DTM's {@code Submit} without
   * {@code Prepare}): its actions ({@code 01}, {@code 02}, ...), SUBMITTED and leased to this
   * instance, like a submitted saga.
   *
   * @throws InvalidTransactionException when there is no action or too many
   */
  public TxRecord submittedMsg(String gid, List<Action> actions, TxOptions options,
      String customData) {
    Names.requireGid(gid);
    checkCount(gid, actions);
    List<BranchRecord> branches = new ArrayList<>();
    addActions(gid, actions, branches);
    TxRecord prepared = base(gid, Mode.MSG, options, customData, branches);
    return prepared.toBuilder().status(TxStatus.SUBMITTED)
        .nextDueAt(prepared.createdAt().plus(engine.config().lease())).build();
  }

  /**
   * A PREPARED message: its actions ({@code 01}, {@code 02}, ...) and its check-back ({@code 00},
   * op MSG).
   *
   * @throws InvalidTransactionException when there is no action or the check-back is invalid
   */
  public TxRecord msg(String gid, List<Action> actions, String checkBack, TxOptions options,
      String customData) {
    Names.requireGid(gid);
    checkCount(gid, actions);
    List<BranchRecord> branches = new ArrayList<>();
    Target check = engine.config().targets().parse(checkBack);
    if (check instanceof Target.Handler h && engine.config().handlers().find(h.name()).isEmpty()) {
      throw new io.jdtm.NoSuchHandlerException(gid, MsgLogic.CHECK_BACK_BRANCH, BranchOp.MSG,
          h.name());
    }
    if (check instanceof Target.BarrierRef b
        && engine.config().handlers().barrier(b.name()).isEmpty()) {
      throw new InvalidTransactionException("no barrier is registered under '" + b.name()
          + "'; register it with builder().barrier(name, barrier)", gid);
    }
    branches.add(BranchRecord.prepared(MsgLogic.CHECK_BACK_BRANCH, BranchOp.MSG,
        check.canonical(), NO_PAYLOAD, List.of()));
    addActions(gid, actions, branches);
    return base(gid, Mode.MSG, options, customData, branches);
  }

  private static void checkCount(String gid, List<Action> actions) {
    if (actions.isEmpty()) {
      throw new InvalidTransactionException("a message needs at least one action", gid);
    }
    if (actions.size() > MAX_ACTIONS) {
      throw new InvalidTransactionException("a message has at most " + MAX_ACTIONS
          + " actions; this one has " + actions.size(), gid);
    }
  }

  /** Encodes the actions into {@code branches}. */
  private void addActions(String gid, List<Action> actions, List<BranchRecord> branches) {
    for (int i = 0; i < actions.size(); i++) {
      String id = Digits.twoDigits(i + 1);
      Target t = engine.config().targets().branch(actions.get(i).target());
      byte[] bytes = engine.config().payloads().encode(gid, id, actions.get(i).payload(),
          new Target[] {t}, new BranchOp[] {BranchOp.ACTION});
      branches.add(BranchRecord.prepared(id, BranchOp.ACTION, t.canonical(), bytes, List.of()));
    }
  }

  private TxRecord base(String gid, Mode mode, TxOptions options, String customData,
      List<BranchRecord> branches) {
    Names.requireGid(gid);
    Instant now = engine.now();
    return TxRecord.builder()
        .gid(gid)
        .mode(mode)
        .status(TxStatus.PREPARED)
        .version(1)
        .leaseOwner(engine.config().instanceId())
        .leaseEpoch(1)
        .nextDueAt(now.plus(options.timeoutToFail()))
        .createdAt(now)
        .updatedAt(now)
        .customData(customData)
        .options(options)
        .branches(branches)
        .build();
  }
}
