package io.jdtm.testkit.sim;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.JdtmException;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxRecord;
import io.jdtm.testkit.FaultyStore;
import io.jdtm.testkit.Ledger;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.MemoryBarrier;
import io.jdtm.testkit.TestParticipant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Executes one plan on fresh nodes and a fresh store, checking invariants as it goes. */
final class SimRun {
  /**
   * A call the engine made to a participant: when (on the caller's clock), by which node and at
   * which skew, and whether the caller still held the lease (a paused node that lost it calls as
   * a stale holder).
   */
  record EngineCall(Instant at, BranchContext ctx, boolean stale, String caller, Duration skew) {}

  private static final int DRAIN_ROUNDS = 200;
  private static final Duration DRAIN_STEP = Duration.ofSeconds(61);
  /** How many XA databases the XA branches spread over. */
  static final int XA_DATABASES = 2;

  final Plan plan;
  final SimulationConfig config;
  final ManualClock clock = new ManualClock();
  final Ledger ledger = new Ledger();
  final List<TestParticipant> participants = new ArrayList<>();
  final Map<String, TxSpec> specs = new LinkedHashMap<>();
  final Map<String, TxSpec> acked = new LinkedHashMap<>();
  final List<TxSpec> submitted = new ArrayList<>();
  final List<EngineCall> engineCalls = new ArrayList<>();
  /** The ops your own handlers were called with, by gid and branch id. */
  private final Map<String, List<BranchOp>> userCalls = new HashMap<>();
  final Map<CrashPoint, Integer> crashes = new EnumMap<>(CrashPoint.class);
  /** Status of every submitted gid after the drain (null: never stored). */
  final Map<String, TxStatus> finalStatuses = new LinkedHashMap<>();
  final WriteLog log;
  /** The participants' shared local database, with its barrier (2-phase messages). */
  final MemoryBarrier barrier = new MemoryBarrier();
  final FaultyStore faulty;
  /** The XA databases of XA branches (none when the plans have no XA). */
  final List<SimXaDatabase> xaDatabases = new ArrayList<>();
  private final TransactionStore raw;
  private final SimNode[] nodes;
  private final Checks checks;
  int resubmits;
  int pauses;
  int skews;
  int redeliveries;
  /** In-doubt XA branches the scans committed or rolled back. */
  int xaResolved;
  /** How often the XA fault rates changed (each change reseeds the databases' faults). */
  private int faultChanges;

  SimRun(SimulationConfig config, Plan plan) {
    this.plan = plan;
    this.config = config;
    config.beforeChain().run();
    this.raw = config.stores().get();
    this.log = new WriteLog(raw);
    this.faulty = new FaultyStore(log, plan.seed());
    for (int i = 0; i < config.participants(); i++) {
      participants.add(new TestParticipant("p" + i, ledger));
    }
    if (config.modes().contains(Mode.XA)) {
      for (int i = 0; i < XA_DATABASES; i++) {
        xaDatabases.add(new SimXaDatabase("xa" + i));
      }
    }
    this.nodes = new SimNode[config.nodes()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = newNode(i, 0);
    }
    this.checks = new Checks(this);
  }

  private SimNode newNode(int index, int generation) {
    return new SimNode(index, generation, this, faulty, clock, participants, config.users(),
        plan.seed() * 31 + index * 7919L + generation);
  }

  /** Runs the plan; returns normally when every invariant held. */
  void execute() throws Violation {
    try {
      List<SimAction> actions = plan.actions();
      for (int i = 0; i < actions.size(); i++) {
        try {
          apply(actions.get(i));
        } catch (Violation v) {
          throw v.atStep(i);
        } catch (SimNode.Crashed | JdtmException e) {
          // a crashed node, or a store fault surfacing to the caller: both are legitimate
        } catch (Exception e) {
          if (!(e instanceof IllegalStateException) || !nodeCrashed()) {
            throw new IllegalStateException("step " + i + " failed: " + e, e);
          }
          // a TCC body or message whose node crashed under it
        }
        replaceCrashedNodes();
        checks.afterStep(i);
      }
      drain();
      checks.atEnd();
      checkUsers();
      for (String gid : specs.keySet()) {
        finalStatuses.put(gid, storedStatus(gid));
      }
    } finally {
      for (SimNode n : nodes) {
        n.manager.halt();
      }
      raw.close();
    }
  }

  private void apply(SimAction action) throws Exception {
    if (action instanceof SimAction.Submit s) {
      submit(nodes[s.node()], s.spec(), true);
    } else if (action instanceof SimAction.Resubmit r) {
      resubmit(r);
    } else if (action instanceof SimAction.Advance a) {
      clock.advance(a.by());
    } else if (action instanceof SimAction.Recover r) {
      nodes[r.node()].manager.runRecoveryPass();
    } else if (action instanceof SimAction.Crash c) {
      nodes[c.node()].crashNow();
    } else if (action instanceof SimAction.Arm a) {
      nodes[a.node()].arm(a.point(), a.skip());
    } else if (action instanceof SimAction.Pause p) {
      nodes[p.node()].pause(p.point(), p.skip());
    } else if (action instanceof SimAction.Skew k) {
      nodes[k.node()].clock.skew(k.by());
      skews++;
    } else if (action instanceof SimAction.Faults f) {
      faulty.rates(f.before(), f.after(), f.conflict()).delays(f.delay(), f.maxDelay(), clock);
    } else if (action instanceof SimAction.Redeliver r) {
      redeliver(r.pick());
    } else if (action instanceof SimAction.RecoverXa r) {
      recoverXa(nodes[r.node()]);
    } else if (action instanceof SimAction.XaFaults f) {
      xaFaults(f.before(), f.after());
    } else {
      throw new IllegalArgumentException("unknown step " + action);
    }
  }

  private static final Map<Mode, ModeScript> SCRIPTS = Map.of(Mode.SAGA, new SagaScript(),
      Mode.TCC, new TccScript(), Mode.MSG, new MsgScript(), Mode.XA, new XaScript());

  static ModeScript script(TxSpec spec) {
    return SCRIPTS.get(spec.mode());
  }

  /** Branch id of step {@code k} (0-based). */
  static String branchId(int k) {
    return String.format("%02d", k + 1);
  }

  /** The scripted participant of {@code step}; steps of your own participants have none. */
  TestParticipant participant(TxSpec.Step step) {
    return participants.get(step.participant());
  }

  /** The XA database of an XA transaction's {@code step}. */
  SimXaDatabase xa(TxSpec.Step step) {
    return xaDatabases.get(step.participant() % xaDatabases.size());
  }

  private void recoverXa(SimNode node) {
    if (!xaDatabases.isEmpty()) {
      io.jdtm.XaRecovery r = node.manager.recoverXa();
      xaResolved += r.committed().size() + r.rolledBack().size();
    }
  }

  private void xaFaults(double before, double after) {
    for (int i = 0; i < xaDatabases.size(); i++) {
      xaDatabases.get(i).faults(plan.seed() * 17 + i + faultChanges, before, after);
    }
    faultChanges++;
  }

  boolean isUser(TxSpec.Step step) {
    return step.participant() >= participants.size();
  }

  UserParticipant<?> user(TxSpec.Step step) {
    return config.users().get(step.participant() - participants.size());
  }

  /** The target name of {@code step}'s participant. */
  String target(TxSpec.Step step) {
    return isUser(step) ? user(step).name() : participant(step).name();
  }

  /** What {@code step}'s branch carries. */
  Object payload(TxSpec.Step step) {
    return isUser(step) ? step.payload() : (Object) step.amount();
  }

  private void submit(SimNode node, TxSpec spec, boolean first) throws Exception {
    if (first) {
      submitted.add(spec);
      specs.put(spec.gid(), spec);
      script(spec).script(this, spec);
    }
    script(spec).submit(this, node, spec);
    acked.put(spec.gid(), spec);
  }

  private void resubmit(SimAction.Resubmit r) throws Exception {
    if (submitted.isEmpty()) {
      return;
    }
    TxSpec spec = submitted.get(r.pick() % submitted.size());
    if (!script(spec).resubmittable()) {
      return;
    }
    resubmits++;
    TxRecord before = log.load(spec.gid()).orElse(null);
    int entries = ledger.entries().size();
    try {
      submit(nodes[r.node()], spec, false);
    } catch (io.jdtm.DuplicateTransactionException e) {
      throw new Violation("I-13", "identical resubmit of " + spec.gid() + " rejected: "
          + e.getMessage(), -1);
    }
    boolean owedAStart = before != null && before.version() == 1
        && nodes[r.node()].manager.instanceId().equals(before.leaseOwner());
    if (before != null && !owedAStart) {
      TxRecord after = log.load(spec.gid()).orElseThrow();
      if (after.version() != before.version() || ledger.entries().size() != entries) {
        throw new Violation("I-13", "resubmit of existing " + spec.gid() + " changed it: v"
            + before.version() + " -> v" + after.version(), -1);
      }
    }
  }

  private void redeliver(int pick) {
    if (engineCalls.isEmpty()) {
      return;
    }
    BranchContext ctx = engineCalls.get(pick % engineCalls.size()).ctx();
    TxSpec spec = specs.get(ctx.gid());
    TxSpec.Step step = spec.steps().get(Integer.parseInt(ctx.branchId()) - 1);
    BranchContext again = BranchContext.of(ctx.gid(), spec.mode(), ctx.branchId(), ctx.op());
    if (isUser(step)) {
      redeliverToUser(user(step), again, step.payload());
    } else {
      participant(step).redeliver(again);
    }
    redeliveries++;
  }

  private <T> void redeliverToUser(UserParticipant<T> user, BranchContext ctx, Object payload) {
    userCall(ctx);
    try {
      user.handler().handle(ctx, user.payloadType().cast(payload));
    } catch (Exception e) {
      // a duplicate delivery may fail like any call; its outcome is not recorded anywhere
    }
  }

  private boolean nodeCrashed() {
    for (SimNode n : nodes) {
      if (n.crashed) {
        return true;
      }
    }
    return false;
  }

  private void replaceCrashedNodes() {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i].crashed) {
        nodes[i] = newNode(i, nodes[i].generation + 1);
      }
    }
  }

  /** Heals every fault and runs recovery until everything stored is terminal. */
  private void drain() {
    faulty.heal();
    xaFaults(0, 0);
    for (int i = 0; i < nodes.length; i++) {
      nodes[i].manager.halt();
      nodes[i] = newNode(i, nodes[i].generation + 1);
    }
    for (int round = 0; round < DRAIN_ROUNDS; round++) {
      if (checks.unfinished().isEmpty()) {
        checks.noXaInDoubt("once every transaction is terminal, before a last XA scan");
        for (SimNode node : nodes) {
          recoverXa(node);
        }
        return;
      }
      clock.advance(DRAIN_STEP);
      for (SimNode node : nodes) {
        for (int pass = 0; pass < 1000 && node.manager.runRecoveryPass().size() > 0; pass++) {
          // keep claiming until nothing is due on this node
        }
        recoverXa(node);
      }
    }
    throw new Violation("I-8", "not terminal after " + DRAIN_ROUNDS + " recovery rounds: "
        + checks.unfinished(), -1);
  }

  /**
   * Node {@code index} is paused mid-call: its lease runs out and the next node recovers what is
   * due, then it resumes as if nothing happened.
   */
  void paused(int index) {
    pauses++;
    clock.advance(SimNode.LEASE.multipliedBy(2));
    SimNode other = nodes[(index + 1) % nodes.length];
    try {
      other.manager.runRecoveryPass();
    } catch (SimNode.Crashed | JdtmException e) {
      // the other node crashed or hit a store fault; the run replaces it afterwards
    }
  }

  /** Your own handler is called for {@code ctx}'s branch and op. */
  void userCall(BranchContext ctx) {
    userCalls.computeIfAbsent(ctx.gid() + "/" + ctx.branchId(), k -> new ArrayList<>())
        .add(ctx.op());
  }

  private void checkUsers() {
    Map<String, TxStatus> statuses = new LinkedHashMap<>();
    for (String gid : specs.keySet()) {
      statuses.put(gid, storedStatus(gid));
    }
    try {
      config.check().accept(new Quiescence(plan.seed(), statuses, log, userBranches(statuses)));
    } catch (RuntimeException | AssertionError e) {
      throw new Violation("user", String.valueOf(e.getMessage()), -1);
    }
  }

  private List<UserBranch> userBranches(Map<String, TxStatus> statuses) {
    List<UserBranch> branches = new ArrayList<>();
    for (TxSpec spec : specs.values()) {
      for (int k = 0; k < spec.steps().size(); k++) {
        TxSpec.Step step = spec.steps().get(k);
        if (isUser(step)) {
          String id = branchId(k);
          branches.add(new UserBranch(spec.gid(), spec.mode(), id, user(step).name(),
              step.payload(), statuses.get(spec.gid()),
              userCalls.getOrDefault(spec.gid() + "/" + id, List.of())));
        }
      }
    }
    return branches;
  }

  void crashFired(CrashPoint point) {
    crashes.merge(point, 1, Integer::sum);
  }

  void engineCall(BranchContext ctx, String caller, SkewedClock callerClock) {
    String holder = log.load(ctx.gid()).map(TxRecord::leaseOwner).orElse(null);
    engineCalls.add(new EngineCall(callerClock.instant(), ctx, !caller.equals(holder), caller,
        callerClock.skew()));
  }

  TxStatus storedStatus(String gid) {
    return log.load(gid).map(TxRecord::status).orElse(null);
  }
}
