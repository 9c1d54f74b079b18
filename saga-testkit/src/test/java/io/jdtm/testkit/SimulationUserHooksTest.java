package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchOp;
import io.jdtm.Outcome;
import io.jdtm.testkit.sim.Simulation;
import io.jdtm.testkit.sim.UserBranch;
import io.jdtm.testkit.sim.UserParticipant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The per-chain setup hook, and what quiescence tells about your own participant's branches. */
class SimulationUserHooksTest {
  private static final int CHAINS = 6;

  /** Your participant: it records every call it gets, by gid and branch. */
  private final Map<String, List<BranchOp>> seen = new ConcurrentHashMap<>();
  private final Map<String, Long> payloads = new ConcurrentHashMap<>();
  private final List<Integer> seenAtSetup = new ArrayList<>();
  private final List<Map<String, List<BranchOp>>> reported = new ArrayList<>();

  private final UserParticipant<Long> mine = new UserParticipant<>("mine", Long.class,
      (ctx, amount) -> {
        String key = ctx.gid() + "/" + ctx.branchId();
        seen.computeIfAbsent(key, k -> new ArrayList<>()).add(ctx.op());
        payloads.put(key, amount);
        return Outcome.success();
      }, random -> random.nextLong(1, 1_000));

  private Simulation simulation() {
    return Simulation.on(MapStore::new).chains(CHAINS).steps(60).participant(mine)
        .beforeEachChain(() -> {
          seenAtSetup.add(seen.size());
          seen.clear();
          payloads.clear();
        });
  }

  @Test
  void beforeEachChain_runsOncePerChainBeforeItsFirstCall() {
    simulation().run();

    assertThat(seenAtSetup).hasSize(CHAINS).first().isEqualTo(0);
    assertThat(seenAtSetup.subList(1, CHAINS)).as("calls of the chain before").isNotEmpty()
        .anySatisfy(n -> assertThat(n).isPositive());
  }

  @Test
  void atQuiescence_branchesListEveryCallAndPayloadYourHandlerSaw() {
    simulation().atQuiescence(q -> {
      Map<String, List<BranchOp>> calls = new TreeMap<>();
      for (UserBranch b : q.branches("mine")) {
        String key = b.gid() + "/" + b.branchId();
        assertThat(b.status()).isEqualTo(q.statuses().get(b.gid()));
        if (!b.calls().isEmpty()) {
          calls.put(key, b.calls());
          assertThat(b.payload(Long.class)).as(key).isEqualTo(payloads.get(key));
        }
      }
      assertThat(calls).isEqualTo(new TreeMap<>(seen));
      assertThat(q.branches()).containsExactlyElementsOf(q.branches("mine"));
      reported.add(calls);
    }).run();

    assertThat(reported).hasSize(CHAINS).anySatisfy(calls -> assertThat(calls).isNotEmpty());
  }
}
