package io.jdtm.testkit.sim;

import io.jdtm.Mode;
import io.jdtm.testkit.Behaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** Generates a random plan from a seed. Deterministic: one seed, one plan. */
final class PlanGenerator {
  private final SimulationConfig config;
  private final SplittableRandom random;
  private final long seed;
  private int submitted;

  PlanGenerator(SimulationConfig config, long seed) {
    this.config = config;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  Plan generate() {
    List<SimAction> actions = new ArrayList<>();
    for (int i = 0; i < config.steps(); i++) {
      actions.add(next());
    }
    return new Plan(seed, actions);
  }

  private SimAction next() {
    boolean xa = config.modes().contains(Mode.XA);
    if (xa && submitted > 0 && random.nextInt(100) < 6) {
      return xaAction();
    }
    int roll = random.nextInt(100);
    int node = random.nextInt(config.nodes());
    if (roll < 22 || submitted == 0) {
      return new SimAction.Submit(node, spec());
    }
    if (roll < 47) {
      return new SimAction.Advance(Duration.ofMillis(random.nextLong(500, 45_000)));
    }
    if (roll < 72) {
      return new SimAction.Recover(node);
    }
    if (roll < 76) {
      return new SimAction.Crash(node);
    }
    if (roll < 83) {
      CrashPoint[] points = Arrays.stream(CrashPoint.values()).filter(p -> xa || !p.xaOnly())
          .toArray(CrashPoint[]::new);
      return new SimAction.Arm(node, points[random.nextInt(points.length)], random.nextInt(3));
    }
    if (roll < 86) {
      CrashPoint[] points = xa
          ? new CrashPoint[] {CrashPoint.BEFORE_UPDATE, CrashPoint.BEFORE_BRANCH_CALL,
              CrashPoint.AFTER_BRANCH_CALL, CrashPoint.BEFORE_XA_PREPARE,
              CrashPoint.BEFORE_XA_PHASE_TWO}
          : new CrashPoint[] {CrashPoint.BEFORE_UPDATE, CrashPoint.BEFORE_BRANCH_CALL,
              CrashPoint.AFTER_BRANCH_CALL};
      return new SimAction.Pause(node, points[random.nextInt(points.length)], random.nextInt(2));
    }
    if (roll < 89) {
      return new SimAction.Resubmit(node, random.nextInt(submitted));
    }
    if (roll < 93) {
      return new SimAction.Redeliver(random.nextInt(1_000));
    }
    if (roll < 95) {
      long bound = SimNode.LEASE.multipliedBy(2).toMillis();
      return new SimAction.Skew(node, Duration.ofMillis(random.nextLong(-bound, bound + 1)));
    }
    return random.nextInt(3) == 0 ? new SimAction.Faults(0, 0, 0) : faults();
  }

  /** An in-doubt scan, or XA faults (a third of them heal). */
  private SimAction xaAction() {
    if (random.nextBoolean()) {
      return new SimAction.RecoverXa(random.nextInt(config.nodes()));
    }
    if (random.nextInt(3) == 0) {
      return new SimAction.XaFaults(0, 0);
    }
    double rate = config.maxFaultRate();
    return new SimAction.XaFaults(random.nextDouble(rate), random.nextDouble(rate));
  }

  /** Store faults, and slow calls of up to twice the lease (a lease may run out mid-call). */
  private SimAction.Faults faults() {
    double rate = config.maxFaultRate();
    return new SimAction.Faults(random.nextDouble(rate), random.nextDouble(rate),
        random.nextDouble(rate), random.nextDouble(rate),
        Duration.ofMillis(random.nextLong(1_000, SimNode.LEASE.multipliedBy(2).toMillis())));
  }

  private TxSpec spec() {
    String gid = "sim-" + Long.toHexString(seed) + "-" + submitted++;
    Mode mode = config.modes().get(random.nextInt(config.modes().size()));
    if (mode == Mode.XA) {
      return xaSpec(gid);
    }
    int n = 1 + random.nextInt(4);
    List<TxSpec.Step> steps = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int who = random.nextInt(config.participants() + config.users().size());
      if (who >= config.participants()) {
        Object payload = config.users().get(who - config.participants()).payloads().apply(random);
        steps.add(new TxSpec.Step(who, 0, payload, List.of(), List.of(), List.of()));
        continue;
      }
      long amount = i == n - 1 ? -sum : random.nextLong(-100, 101);
      sum += amount;
      boolean refusable = mode != Mode.MSG; // a delivery's FAILURE is only retried
      steps.add(new TxSpec.Step(who, amount, null,
          script(refusable), mode == Mode.TCC ? script(false) : List.of(),
          mode == Mode.MSG ? List.of() : script(false)));
    }
    if (sum != 0) { // the last scripted step was a user's: balance the amounts on a new step
      steps.add(new TxSpec.Step(random.nextInt(config.participants()), -sum, null, List.of(),
          List.of(), List.of()));
    }
    boolean concurrent = mode == Mode.SAGA && n > 1 && random.nextInt(3) == 0;
    Map<Integer, Set<Integer>> after = concurrent ? order(n) : Map.of();
    Duration timeout = random.nextInt(4) == 0 ? Duration.ofSeconds(random.nextInt(20, 120)) : null;
    int retryLimit = mode == Mode.SAGA && random.nextInt(4) == 0 ? random.nextInt(4) : -1;
    boolean bodyFails = mode != Mode.SAGA && random.nextInt(5) == 0;
    return new TxSpec(gid, mode, steps, concurrent, after, timeout, retryLimit, bodyFails);
  }

  /**
   * An XA transaction: one to four branches over the XA databases (the step's participant index
   * picks one), amounts summing to zero; a branch's work may refuse or throw (with or without a
   * write first), once: XA work is never retried.
   */
  private TxSpec xaSpec(String gid) {
    int n = 1 + random.nextInt(4);
    List<TxSpec.Step> steps = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long amount = i == n - 1 ? -sum : random.nextLong(-100, 101);
      sum += amount;
      Behaviour[] answers = {Behaviour.FAILURE, Behaviour.ONGOING, Behaviour.THROW,
          Behaviour.EFFECT_THEN_THROW};
      List<Behaviour> work = random.nextInt(12) == 0
          ? List.of(answers[random.nextInt(answers.length)]) : List.of();
      steps.add(new TxSpec.Step(random.nextInt(SimRun.XA_DATABASES), amount, null, work,
          List.of(), List.of()));
    }
    Duration timeout = random.nextInt(4) == 0 ? Duration.ofSeconds(random.nextInt(20, 120)) : null;
    return new TxSpec(gid, Mode.XA, steps, false, Map.of(), timeout, -1, random.nextInt(8) == 0);
  }

  /** A random DAG: each step may wait for some earlier ones. */
  private Map<Integer, Set<Integer>> order(int n) {
    Map<Integer, Set<Integer>> after = new HashMap<>();
    for (int i = 1; i < n; i++) {
      Set<Integer> deps = new TreeSet<>();
      for (int j = 0; j < i; j++) {
        if (random.nextInt(3) == 0) {
          deps.add(j);
        }
      }
      if (!deps.isEmpty()) {
        after.put(i, deps);
      }
    }
    return after;
  }

  /** Up to three scripted answers before the participant behaves. */
  private List<Behaviour> script(boolean refusable) {
    List<Behaviour> answers = new ArrayList<>();
    int count = random.nextInt(10) < 6 ? 0 : 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      int r = random.nextInt(100);
      if (refusable && r < 25) {
        answers.add(Behaviour.FAILURE);
        break;
      }
      answers.add(r < 45 ? Behaviour.THROW : r < 70 ? Behaviour.ONGOING
          : r < 85 || !refusable && r < 100 ? Behaviour.EFFECT_THEN_THROW : Behaviour.FAILURE);
    }
    return answers;
  }
}
