package io.jdtm.internal;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.XaRecovery;
import io.jdtm.internal.xa.XaBranchId;
import io.jdtm.internal.xa.XaParticipant;
import io.jdtm.spi.TxRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Resolves the in-doubt branches of jdtm's Xid format on every registered XA resource, by the
 * stored global status: committed when the transaction is decided to commit (SUBMITTED or
 * SUCCEEDED), rolled back when it is decided to roll back (ABORTING or FAILED). A branch of a
 * transaction still PREPARED is left alone (its body may still run; its timeout aborts it), and
 * so is a branch whose transaction this manager's store does not know (another deployment may
 * share the database): both are logged. Runs every {@code interval} once started, and on demand.
 * Thread-safe.
 */
final class XaInDoubt {
  private static final Logger log = Logs.get(XaInDoubt.class);

  private final List<XaParticipant> resources;
  private final Function<String, Optional<TxRecord>> load;
  private final Clock clock;
  private final Duration interval;
  private final String instanceId;
  private final Duration lease;
  private ScheduledThreadPoolExecutor timer; // guarded by this

  /**
   * @param lease how long a transaction stays with the instance driving it: a prepared branch's
   *     connection held longer is released (see {@link XaParticipant#releaseHeld})
   */
  XaInDoubt(List<XaParticipant> resources, Function<String, Optional<TxRecord>> load,
      Clock clock, Duration interval, String instanceId, Duration lease) {
    this.resources = List.copyOf(resources);
    this.load = load;
    this.clock = clock;
    this.interval = interval;
    this.instanceId = instanceId;
    this.lease = lease;
  }

  /**
   * Starts scanning every interval, the first scan at once, and releasing connections held for a
   * branch's phase two longer than a lease (by then any instance may be the one to run it);
   * nothing when no resource exists.
   */
  synchronized void start() {
    if (timer != null || resources.isEmpty()) {
      return;
    }
    // two threads: a scan stuck on an unreachable database must not stop the sweep
    timer = new ScheduledThreadPoolExecutor(
        2, DefaultExecutors.daemonThreads("jdtm-xa-" + instanceId + "-"));
    timer.scheduleWithFixedDelay(this::scanQuietly, 0, interval.toMillis(),
        TimeUnit.MILLISECONDS);
    long sweep = Math.max(1000, lease.toMillis() / 2);
    timer.scheduleWithFixedDelay(() -> resources.forEach(r -> r.releaseHeld(null, lease)),
        sweep, sweep, TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  private void scanQuietly() {
    try {
      scan();
    } catch (RuntimeException e) {
      log.warn("XA in-doubt scan on {} failed: {}", instanceId, e.toString());
    }
  }

  /** One scan of every resource. */
  XaRecovery scan() {
    List<String> committed = new ArrayList<>();
    List<String> rolledBack = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (XaParticipant resource : resources) {
      List<XaBranchId> inDoubt;
      try {
        inDoubt = resource.inDoubt();
      } catch (Exception e) {
        log.warn("XA resource '{}': listing in-doubt branches failed: {}", resource.name(),
            e.toString());
        left.add(resource.name() + " (not reachable)");
        continue;
      }
      for (XaBranchId id : inDoubt) {
        String shown = resource.name() + " " + id;
        switch (resolve(resource, id)) {
          case COMMITTED -> committed.add(shown);
          case ROLLED_BACK -> rolledBack.add(shown);
          case LEFT -> left.add(shown);
        }
      }
    }
    return new XaRecovery(committed, rolledBack, left);
  }

  private enum Resolution { COMMITTED, ROLLED_BACK, LEFT }

  private Resolution resolve(XaParticipant resource, XaBranchId id) {
    Optional<TxRecord> found;
    try {
      found = load.apply(id.gid());
    } catch (RuntimeException e) {
      log.warn("XA resource '{}' {}: in doubt; reading its transaction failed: {}",
          resource.name(), id, e.toString());
      return Resolution.LEFT;
    }
    if (found.isEmpty() || found.get().mode() != Mode.XA || found.get().branches().stream()
        .noneMatch(b -> b.branchId().equals(id.branchId())
            && b.target().equals(Target.XA_PREFIX + resource.name()))) {
      log.warn("XA resource '{}' {}: in doubt, and this manager's store has no XA transaction "
          + "with that branch on this resource (another deployment's, or purged?); left alone",
          resource.name(), id);
      return Resolution.LEFT;
    }
    TxStatus status = found.get().status();
    long incarnation = found.get().createdAt().toEpochMilli();
    try {
      switch (status) {
        case SUBMITTED, SUCCEEDED -> {
          resource.commit(id, incarnation);
          log.info("XA resource '{}' {}: in-doubt branch committed (transaction {})",
              resource.name(), id, status);
          return Resolution.COMMITTED;
        }
        case ABORTING, FAILED -> {
          resource.rollback(id, incarnation, clock.millis());
          log.info("XA resource '{}' {}: in-doubt branch rolled back (transaction {})",
              resource.name(), id, status);
          return Resolution.ROLLED_BACK;
        }
        default -> {
          return Resolution.LEFT; // undecided: the body may still run; the timeout aborts it
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Resolution.LEFT;
    } catch (Exception e) {
      log.warn("XA resource '{}' {}: resolving the in-doubt branch failed: {}", resource.name(),
          id, e.toString());
      return Resolution.LEFT;
    }
  }
}
