package io.jdtm.it;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/** Pairs of (store, participant database with barrier) for the scenario matrix. */
final class ScenarioMatrix {
  private ScenarioMatrix() {}

  /** Only in-JVM stores and databases. */
  static List<Arguments> local() {
    return pairs(StoreFixture.local(), BarrierFixture.local(), false);
  }

  /** Every pair with at least one server. */
  static List<Arguments> servers() {
    List<StoreFixture> stores = new ArrayList<>(StoreFixture.local());
    stores.addAll(StoreFixture.servers());
    List<BarrierFixture> dbs = new ArrayList<>(BarrierFixture.local());
    dbs.addAll(BarrierFixture.servers());
    return pairs(stores, dbs, true);
  }

  private static List<Arguments> pairs(List<StoreFixture> stores, List<BarrierFixture> dbs,
      boolean needsServer) {
    List<Arguments> out = new ArrayList<>();
    for (StoreFixture s : stores) {
      for (BarrierFixture d : dbs) {
        boolean server = StoreFixture.servers().stream().anyMatch(x -> x.name().equals(s.name()))
            || BarrierFixture.servers().stream().anyMatch(x -> x.name().equals(d.name()));
        if (server == needsServer) {
          out.add(Arguments.of(s, d));
        }
      }
    }
    return out;
  }
}
