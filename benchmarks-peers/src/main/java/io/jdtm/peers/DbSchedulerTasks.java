package io.jdtm.peers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;

/**
 * db-scheduler on H2 (its {@code scheduled_tasks} table with an index on the due column,
 * {@code execution_time}): one-time tasks due now, executed by the scheduler's default 10 worker
 * threads, with immediate execution enabled and a 1 s polling interval (jdtm's default recovery
 * poll). Not thread-safe to open and close; {@link #schedule} and
 * {@link #scheduleAndAwaitExecution} are.
 */
final class DbSchedulerTasks implements AutoCloseable {
  private static final long SHUTDOWN_SECONDS = 30;

  private final Completions executed = new Completions();
  private final H2Database db;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler;

  private DbSchedulerTasks(H2Database db) {
    this.db = db;
    this.task = Tasks.oneTime("peer-task")
        .execute((instance, context) -> executed.complete(instance.getId()));
    this.scheduler = Scheduler.create(db.dataSource(), task)
        .pollingInterval(Duration.ofSeconds(1))
        .enableImmediateExecution()
        .shutdownMaxWait(Duration.ofSeconds(SHUTDOWN_SECONDS))
        .build();
    scheduler.start();
  }

  static DbSchedulerTasks open(String h2) {
    return new DbSchedulerTasks(H2Database.open(h2).runScript("db-scheduler-h2.sql"));
  }

  /** Schedules one task due now and returns once it is stored. */
  void schedule(String id) {
    scheduler.schedule(task.instance(id), Instant.now());
  }

  /** Schedules one task due now and returns once it has run. */
  void scheduleAndAwaitExecution(String id) throws Exception {
    executed.handOverAndAwait(id, () -> schedule(id));
  }

  long executed() {
    return executed.count();
  }

  @Override
  public void close() {
    scheduler.stop();
    db.close();
  }
}
