package io.jdtm.testkit.sim;

import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.testkit.ManualClock;
import io.jdtm.testkit.TestParticipant;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One manager node of a simulation, with crash points it can be armed at: around its store calls
 * (via its own store view) and around its branch calls (via its own handler wrappers). A crash
 * halts the manager and unwinds the call in progress; the run then replaces the node.
 */
final class SimNode {
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RETRY = Duration.ofSeconds(5);

  /** Thrown to unwind a crashed node's call stack. */
  static final class Crashed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crashed(String where) {
      super("simulated crash " + where, null, false, false);
    }
  }

  final int index;
  final int generation;
  final TransactionManager manager;
  final SkewedClock clock;
  /** The shared barrier, seen through this node (it may crash after a local commit). */
  final io.jdtm.Barrier<io.jdtm.testkit.MemoryBarrier.Tx> barrier;
  private final Map<CrashPoint, Integer> armed = new EnumMap<>(CrashPoint.class);
  private final Map<CrashPoint, Integer> pauses = new EnumMap<>(CrashPoint.class);
  private final SimRun run;
  /** This node's connections to the run's XA databases (they die with it). */
  private final List<SimXaAttachment> xa = new java.util.ArrayList<>();
  boolean crashed;

  SimNode(int index, int generation, SimRun run, TransactionStore shared, ManualClock clock,
      List<TestParticipant> participants, List<UserParticipant<?>> users, long seed) {
    this.index = index;
    this.generation = generation;
    this.run = run;
    this.clock = new SkewedClock(clock);
    this.barrier = new io.jdtm.Barrier<>() {
      @Override
      public Outcome call(BranchContext ctx,
          LocalWork<io.jdtm.testkit.MemoryBarrier.Tx> work) throws Exception {
        Outcome outcome = run.barrier.call(ctx, work);
        reach(CrashPoint.AFTER_LOCAL_COMMIT);
        return outcome;
      }

      @Override
      public Outcome queryPrepared(String gid) throws Exception {
        return run.barrier.queryPrepared(gid);
      }
    };
    TransactionManager.Builder b = TransactionManager.builder()
        .store(new View(shared))
        .clock(this.clock)
        .instanceId("n" + index + "g" + generation)
        .executor(Runnable::run)
        .lease(LEASE)
        .retryInterval(RETRY)
        .requestTimeout(Duration.ofSeconds(5))
        .maxRetryInterval(Duration.ofSeconds(60))
        .recoveryBatchSize(16)
        .shutdownTimeout(Duration.ZERO)
        .random(new Random(seed))
        .barrier("db", barrier);
    for (TestParticipant p : participants) {
      b.handler(p.name(), Object.class, (ctx, payload) -> call(p, ctx));
    }
    for (UserParticipant<?> u : users) {
      register(b, u);
    }
    for (SimXaDatabase db : run.xaDatabases) {
      SimXaAttachment attachment = db.attach(new XaHooks());
      xa.add(attachment);
      b.xaResource(db.name(), attachment.dataSource());
    }
    this.manager = b.build();
  }

  void arm(CrashPoint point, int skip) {
    armed.put(point, skip);
  }

  void pause(CrashPoint point, int skip) {
    pauses.put(point, skip);
  }

  /**
   * Pauses, then crashes, if armed at {@code point} and the countdown is done. A node that
   * crashed already goes no further, even where the engine caught the crash (a failed read-back
   * after a write counts as "not written", and the engine may go on).
   */
  private void reach(CrashPoint point) {
    if (crashed) {
      throw new Crashed("at " + point + " on node " + index + ", which crashed already");
    }
    if (countdown(pauses, point)) {
      run.paused(index);
    }
    if (countdown(armed, point)) {
      run.crashFired(point);
      crashNow();
      throw new Crashed("at " + point + " on node " + index);
    }
  }

  private static boolean countdown(Map<CrashPoint, Integer> points, CrashPoint point) {
    Integer skip = points.get(point);
    if (skip == null) {
      return false;
    }
    if (skip > 0) {
      points.put(point, skip - 1);
      return false;
    }
    points.remove(point);
    return true;
  }

  void crashNow() {
    crashed = true;
    manager.halt();
    for (SimXaAttachment attachment : xa) {
      attachment.crash();
    }
  }

  /** Crash points around this node's XA calls; a crashed node's connections are gone. */
  private final class XaHooks implements SimXaHooks {
    @Override
    public void alive() {
      if (crashed) {
        throw new Crashed("on node " + index + ", which crashed already (XA)");
      }
    }

    @Override
    public void before(Call call) {
      reach(call == Call.PREPARE ? CrashPoint.BEFORE_XA_PREPARE : CrashPoint.BEFORE_XA_PHASE_TWO);
    }

    @Override
    public void after(Call call) {
      reach(call == Call.PREPARE ? CrashPoint.AFTER_XA_PREPARE : CrashPoint.AFTER_XA_PHASE_TWO);
    }
  }

  private <T> void register(TransactionManager.Builder b, UserParticipant<T> u) {
    b.handler(u.name(), u.payloadType(), (ctx, payload) -> {
      reach(CrashPoint.BEFORE_BRANCH_CALL);
      run.engineCall(ctx, manager.instanceId(), clock);
      run.userCall(ctx);
      Outcome outcome = u.handler().handle(ctx, payload);
      reach(CrashPoint.AFTER_BRANCH_CALL);
      return outcome;
    });
  }

  private Outcome call(TestParticipant p, BranchContext ctx) {
    reach(CrashPoint.BEFORE_BRANCH_CALL);
    run.engineCall(ctx, manager.instanceId(), clock);
    Outcome outcome = p.handle(ctx);
    reach(CrashPoint.AFTER_BRANCH_CALL);
    return outcome;
  }

  /** This node's view of the shared store, with its crash points around each call. */
  private final class View implements TransactionStore {
    private final TransactionStore store;

    View(TransactionStore store) {
      this.store = store;
    }

    private <T> T around(CrashPoint before, CrashPoint after, Supplier<T> call) {
      reach(before);
      T result = call.get();
      reach(after);
      return result;
    }

    @Override
    public CreateResult create(TxRecord record) {
      return around(CrashPoint.BEFORE_CREATE, CrashPoint.AFTER_CREATE,
          () -> store.create(record));
    }

    @Override
    public CreateResult createIn(java.sql.Connection connection, TxRecord record) {
      return around(CrashPoint.BEFORE_CREATE, CrashPoint.AFTER_CREATE,
          () -> store.createIn(connection, record));
    }

    @Override
    public Optional<TxRecord> load(String gid) {
      return around(CrashPoint.BEFORE_LOAD, CrashPoint.AFTER_LOAD, () -> store.load(gid));
    }

    @Override
    public boolean update(TxUpdate update) {
      return around(CrashPoint.BEFORE_UPDATE, CrashPoint.AFTER_UPDATE,
          () -> store.update(update));
    }

    @Override
    public List<TxRecord> claimDue(Instant now, String owner, Duration lease, int limit) {
      return around(CrashPoint.BEFORE_CLAIM, CrashPoint.AFTER_CLAIM,
          () -> store.claimDue(now, owner, lease, limit));
    }

    @Override
    public TxPage query(TxQuery query) {
      return around(CrashPoint.BEFORE_QUERY, CrashPoint.AFTER_QUERY, () -> store.query(query));
    }

    @Override
    public int purge(Instant finishedBefore) {
      return store.purge(finishedBefore);
    }

    @Override
    public Set<StoreCapability> capabilities() {
      return store.capabilities();
    }

    @Override
    public void close() {
      // the run closes the shared store
    }
  }
}
