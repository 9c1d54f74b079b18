package io.jdtm.testkit.sim;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a simulation ran and injected. Immutable.
 *
 * @param chains plans run
 * @param steps plan steps executed
 * @param transactions transactions submitted
 * @param succeeded transactions that ended SUCCEEDED
 * @param failed transactions that ended FAILED
 * @param chainsWithCrash plans in which at least one node crashed
 * @param crashes crashes fired, by crash point ("NOW" for unarmed crashes)
 * @param storeFaults store faults injected (failed calls and forced conflicts)
 * @param storeDelays slow store calls injected (the clock moved forward during the call)
 * @param pauses nodes paused past their lease mid-call
 * @param skews node clocks skewed (up to twice the lease either way)
 * @param rejectedWrites compare-and-set writes the store rejected (stale holders among them)
 * @param resubmits identical resubmits
 * @param redeliveries duplicate or late deliveries to participants
 * @param xaFaults XA prepares, commits and rollbacks the XA databases failed (before or after
 *     taking effect)
 * @param xaResolved in-doubt XA branches the scans ({@code recoverXa}) committed or rolled back
 * @param violations invariant violations (a run with one throws instead of reporting)
 */
public record SimulationReport(
    int chains,
    long steps,
    long transactions,
    long succeeded,
    long failed,
    int chainsWithCrash,
    Map<String, Integer> crashes,
    long storeFaults,
    long storeDelays,
    long pauses,
    long skews,
    long rejectedWrites,
    long resubmits,
    long redeliveries,
    long xaFaults,
    long xaResolved,
    int violations) {

  /** A one-line summary for test output. */
  public String describe() {
    return String.format("simulation: %d chains, %d steps, %d transactions (%d succeeded, %d "
            + "failed), %d chains with a crash (%.0f%%), crashes %s (never reached: %s), %d store "
            + "faults, %d slow store calls, %d pauses past the lease, %d clock skews, %d rejected "
            + "writes, %d resubmits, %d redeliveries, %d XA faults, %d in-doubt XA branches "
            + "resolved by scans, violations: %d",
        chains, steps, transactions, succeeded, failed, chainsWithCrash,
        chains == 0 ? 0.0 : 100.0 * chainsWithCrash / chains, crashes, neverReached(),
        storeFaults, storeDelays, pauses, skews, rejectedWrites, resubmits, redeliveries,
        xaFaults, xaResolved, violations);
  }

  /** Crash points no crash fired at (armed too rarely, or the engine never gets there). */
  public Set<CrashPoint> neverReached() {
    Set<CrashPoint> missed = EnumSet.allOf(CrashPoint.class);
    missed.removeIf(p -> crashes.containsKey(p.name()));
    return missed;
  }
}
