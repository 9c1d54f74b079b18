package io.jdtm.testkit;

import io.jdtm.testkit.sim.Simulation;

/**
 * A short simulation over {@link MapStore} in its own JVM, as a user's test would run it:
 * {@code quiet} or {@code verbose} logs. Uses neither JUnit nor AssertJ.
 */
final class SimulationRunMain {
  private SimulationRunMain() {}

  public static void main(String[] args) {
    boolean quiet = args[0].equals("quiet");
    System.out.println(Simulation.on(MapStore::new).chains(5).steps(60).quietLogs(quiet).run()
        .describe());
  }
}
