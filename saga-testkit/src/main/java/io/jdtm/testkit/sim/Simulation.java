package io.jdtm.testkit.sim;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.QuietLogs;
import io.jdtm.spi.TransactionStore;
import io.jdtm.testkit.FaultyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Seeded crash-recovery simulation: random plans (transactions with scripted participant answers,
 * clock steps, recovery passes, crashes armed before and after every store and branch call, store
 * faults and slow store calls during which the clock moves, identical resubmits, duplicate and
 * late deliveries; XA transactions on two in-memory XA databases ({@link SimXaDatabase}) with
 * crashes around prepare and phase two, failing commits and rollbacks, and in-doubt scans) run
 * on several manager nodes over one store, with the invariants of docs/reliability.md checked
 * after every step and after a final heal and drain. A failing plan is shrunk to a minimal one
 * and reported with its seed ({@link SimulationFailure}).
 *
 * <pre>{@code
 * SimulationReport report = Simulation.on(MemoryStore::new).chains(300).steps(60).run();
 * }</pre>
 *
 * <p>System properties: {@code jdtm.sim.seed} runs only that chain seed (reproduce a failure, as
 * {@link #seed} does; the property wins); {@code jdtm.sim.scale} multiplies the chain count (long
 * runs); {@code jdtm.sim.masterSeed} changes the chain seeds. Not thread-safe; one run at a time
 * per instance.
 */
public final class Simulation {
  private static final int MAX_SHRINK_RUNS = 3_000;

  private final Supplier<TransactionStore> stores;
  private int chains = 300;
  private int steps = 60;
  private int nodes = 3;
  private int participants = 3;
  private double maxFaultRate = 0.2;
  private long masterSeed = 20261125L;
  private Long onlySeed;
  private List<Mode> modes = List.of(Mode.SAGA, Mode.TCC, Mode.MSG, Mode.XA);
  private final List<UserParticipant<?>> users = new java.util.ArrayList<>();
  private java.util.function.Consumer<Quiescence> check = q -> {};
  private Runnable beforeChain = () -> {};
  private boolean quietLogs = true;

  private Simulation(Supplier<TransactionStore> stores) {
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  /** A simulation whose every chain runs on a new, empty store from {@code stores}. */
  public static Simulation on(Supplier<TransactionStore> stores) {
    return new Simulation(stores);
  }

  public Simulation chains(int chains) {
    this.chains = chains;
    return this;
  }

  public Simulation steps(int steps) {
    this.steps = steps;
    return this;
  }

  public Simulation nodes(int nodes) {
    this.nodes = nodes;
    return this;
  }

  public Simulation maxFaultRate(double rate) {
    this.maxFaultRate = rate;
    return this;
  }

  /** The modes plans draw transactions from (default: every mode). */
  public Simulation modes(Mode... modes) {
    this.modes = List.of(modes);
    return this;
  }

  /**
   * Adds your own handler to the participants plans draw from (as often as each scripted one),
   * so it meets crashes, retries, duplicates and late deliveries. Check its effects with {@link
   * #atQuiescence}.
   */
  public Simulation participant(UserParticipant<?> participant) {
    users.add(participant);
    return this;
  }

  /**
   * Runs {@code check} at the end of every chain, once everything is terminal (e.g. your
   * handlers' balances add up, each effect happened once); an exception fails the chain and is
   * shrunk like any invariant.
   */
  public Simulation atQuiescence(java.util.function.Consumer<Quiescence> check) {
    this.check = java.util.Objects.requireNonNull(check, "check");
    return this;
  }

  /**
   * Runs {@code setup} before every chain, also the chains run while shrinking a failure and
   * when reproducing a seed: reset your participants' state (a ledger, a barrier's table) so that
   * each chain starts from nothing, as its plan assumes. An exception stops the run.
   */
  public Simulation beforeEachChain(Runnable setup) {
    this.beforeChain = Objects.requireNonNull(setup, "setup");
    return this;
  }

  /**
   * Whether the managers the simulation creates log their INFO and WARN lines (scripted failures,
   * crashes, store faults: thousands in a run) at DEBUG, on the simulation's thread only (default
   * true). Your handlers' logging and the logging backend's configuration are left alone.
   */
  public Simulation quietLogs(boolean quiet) {
    this.quietLogs = quiet;
    return this;
  }

  public Simulation masterSeed(long seed) {
    this.masterSeed = seed;
    return this;
  }

  /**
   * Runs only the chain of this seed, as a {@link SimulationFailure} names it: reproduces that
   * failure (with the same participants and checks).
   */
  public Simulation seed(long chainSeed) {
    this.onlySeed = chainSeed;
    return this;
  }

  /**
   * Runs every chain.
   *
   * @throws SimulationFailure naming the invariant, the seed and the minimal failing plan
   */
  public SimulationReport run() {
    return quietLogs ? QuietLogs.quietly(this::runChains) : runChains();
  }

  private SimulationReport runChains() {
    long master = Long.getLong("jdtm.sim.masterSeed", masterSeed);
    int scaled = (int) Math.round(chains * Double.parseDouble(
        System.getProperty("jdtm.sim.scale", "1")));
    SimulationConfig config =
        new SimulationConfig(stores, scaled, steps, nodes, participants, maxFaultRate, master,
            modes, List.copyOf(users), check, beforeChain);
    Long only = Long.getLong("jdtm.sim.seed", onlySeed);
    List<Long> seeds = new ArrayList<>();
    if (only != null) {
      seeds.add(only);
    } else {
      SplittableRandom r = new SplittableRandom(master);
      for (int i = 0; i < scaled; i++) {
        seeds.add(r.nextLong());
      }
    }
    Tally tally = new Tally();
    for (long seed : seeds) {
      Plan plan = new PlanGenerator(config, seed).generate();
      SimRun run = new SimRun(config, plan);
      try {
        run.execute();
      } catch (Violation v) {
        throw failure(config, plan, v);
      }
      tally.add(run);
    }
    return tally.report(seeds.size());
  }

  private static SimulationFailure failure(SimulationConfig config, Plan plan, Violation v) {
    Plan minimal = new Shrinker(config, MAX_SHRINK_RUNS).shrink(plan, v.invariant);
    Violation again = Shrinker.violationOf(config, minimal);
    return new SimulationFailure(v.invariant, plan, minimal, v.getMessage(),
        again == null ? "?" : again.getMessage(), v);
  }

  /** Sums what the chains did. */
  private static final class Tally {
    long steps;
    long transactions;
    long succeeded;
    long failed;
    int chainsWithCrash;
    final Map<String, Integer> crashes = new TreeMap<>();
    long storeFaults;
    long storeDelays;
    long pauses;
    long skews;
    long rejected;
    long resubmits;
    long redeliveries;
    long xaFaults;
    long xaResolved;

    void add(SimRun run) {
      steps += run.plan.actions().size();
      transactions += run.finalStatuses.values().stream().filter(s -> s != null).count();
      for (TxStatus s : run.finalStatuses.values()) {
        if (s == TxStatus.SUCCEEDED) {
          succeeded++;
        } else if (s == TxStatus.FAILED) {
          failed++;
        }
      }
      long nowCrashes = run.plan.actions().stream()
          .filter(a -> a instanceof SimAction.Crash).count();
      if (!run.crashes.isEmpty() || nowCrashes > 0) {
        chainsWithCrash++;
      }
      run.crashes.forEach((p, n) -> crashes.merge(p.name(), n, Integer::sum));
      if (nowCrashes > 0) {
        crashes.merge("NOW", (int) nowCrashes, Integer::sum);
      }
      for (FaultyStore.Fault f : FaultyStore.Fault.values()) {
        if (f == FaultyStore.Fault.DELAY) {
          storeDelays += run.faulty.injected(f);
        } else {
          storeFaults += run.faulty.injected(f);
        }
      }
      rejected += run.log.rejected;
      pauses += run.pauses;
      skews += run.skews;
      resubmits += run.resubmits;
      redeliveries += run.redeliveries;
      xaFaults += run.xaDatabases.stream().mapToLong(SimXaDatabase::faultsInjected).sum();
      xaResolved += run.xaResolved;
    }

    SimulationReport report(int chains) {
      return new SimulationReport(chains, steps, transactions, succeeded, failed,
          chainsWithCrash, Map.copyOf(crashes), storeFaults, storeDelays, pauses, skews, rejected,
          resubmits, redeliveries, xaFaults, xaResolved, 0);
    }
  }
}
