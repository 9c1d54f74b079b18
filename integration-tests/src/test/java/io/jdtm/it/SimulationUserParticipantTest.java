package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Outcome;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.SimulationReport;
import io.jdtm.testkit.sim.UserParticipant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The simulation run over a user's own handler, checked by the user's own invariant. */
class SimulationUserParticipantTest {
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

    void checkOnce() {
      effects.forEach((key, n) -> assertThat(n.get()).as("effects of %s", key).isEqualTo(1));
      effects.clear();
    }
  }

  @Test
  void idempotentHandler_passesTheUsersInvariantUnderCrashesAndRedelivery() {
    Counting mine = new Counting(true);

    SimulationReport report = Simulation.on(MemoryStore::new).chains(40).steps(60)
        .participant(mine.participant())
        .atQuiescence(q -> mine.checkOnce())
        .run();

    assertThat(report.violations()).isZero();
    assertThat(report.redeliveries()).isPositive();
  }

  @Test
  void handlerThatIsNotIdempotent_isCaughtAndShrunk() {
    Counting careless = new Counting(false);

    assertThatThrownBy(() -> Simulation.on(MemoryStore::new).chains(40).steps(60)
        .participant(careless.participant())
        .atQuiescence(q -> careless.checkOnce())
        .run())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("invariant user violated with seed")
        .hasMessageContaining("-Djdtm.sim.seed=");
  }
}
