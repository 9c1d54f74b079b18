package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdtm.Outcome;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationFailure;
import io.jdtm.testkit.sim.SimulationReport;
import io.jdtm.testkit.sim.UserParticipant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The simulation run over a user's own handler, checked by the user's own invariant. */
class SimulationUserParticipantTest {
  private static final Pattern SHRUNK = Pattern.compile("shrunk from (\\d+) to (\\d+) steps");
  private static final Pattern SEED = Pattern.compile("-Djdtm\\.sim\\.seed=(-?\\d+)");

  /** A handler counting how often each (gid, branch, op) took effect. */
  static final class Counting {
    final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    final boolean idempotent;

    Counting(boolean idempotent) {
      this.idempotent = idempotent;
    }

    UserParticipant<Long> participant() {
      return new UserParticipant<>("mine", Long.class, (ctx, amount) -> {
        String key = ctx.gid() + "/" + ctx.branchId() + "/" + ctx.op();
        AtomicInteger n = effects.computeIfAbsent(key, k -> new AtomicInteger());
        if (!idempotent || n.get() == 0) {
          n.incrementAndGet();
        }
        return Outcome.success();
      }, random -> random.nextLong(1, 100));
    }

    /** Checks this chain's effects and forgets them, even when the check fails. */
    void checkOnce() {
      Map<String, Integer> chain = new TreeMap<>();
      effects.forEach((key, n) -> chain.put(key, n.get()));
      effects.clear();
      chain.forEach((key, n) -> assertThat(n).as("effects of %s", key).isEqualTo(1));
    }

    Simulation simulation() {
      return Simulation.on(MemoryStore::new).chains(40).steps(60)
          .participant(participant())
          .atQuiescence(q -> checkOnce());
    }
  }

  @Test
  void idempotentHandler_passesTheUsersInvariantUnderCrashesAndRedelivery() {
    SimulationReport report = new Counting(true).simulation().run();

    assertThat(report.violations()).isZero();
    assertThat(report.redeliveries()).isPositive();
  }

  @Test
  void handlerThatIsNotIdempotent_isCaughtShrunkAndReproducedFromThePrintedSeed() {
    SimulationFailure failure =
        catchThrowableOfType(SimulationFailure.class, () -> new Counting(false).simulation().run());

    assertThat(failure).isNotNull();
    assertThat(failure.invariant()).isEqualTo("user");
    assertThat(failure).hasMessageContaining("invariant user violated with seed " + failure.seed());
    Matcher shrunk = SHRUNK.matcher(failure.getMessage());
    assertThat(shrunk.find()).as("names both plan sizes: %s", failure.getMessage()).isTrue();
    int original = Integer.parseInt(shrunk.group(1));
    int minimal = Integer.parseInt(shrunk.group(2));
    assertThat(original).isEqualTo(60).isEqualTo(failure.plan().actions().size());
    assertThat(minimal).isPositive().isLessThan(original)
        .isEqualTo(failure.minimal().actions().size());

    Matcher printed = SEED.matcher(failure.getMessage());
    assertThat(printed.find()).as("names the seed: %s", failure.getMessage()).isTrue();
    long seed = Long.parseLong(printed.group(1));

    SimulationFailure again = catchThrowableOfType(SimulationFailure.class,
        () -> new Counting(false).simulation().seed(seed).run());

    assertThat(again).isNotNull();
    assertThat(again.seed()).isEqualTo(seed).isEqualTo(failure.seed());
    assertThat(again.plan()).isEqualTo(failure.plan());
    assertThat(again.minimal()).isEqualTo(failure.minimal());
    assertThat(again).hasMessage(failure.getMessage());
  }
}
