package io.jdtm.spi;

import java.util.function.Supplier;

/**
 * Thread-scoped quieting of jdtm's own log lines. On a thread running {@link #quietly}, the
 * engine logs its INFO, WARN and ERROR lines at DEBUG: a harness that drives managers through
 * thousands of scripted failures (the testkit's simulation) keeps the log readable without
 * touching the logging backend's configuration, and managers on other threads log as usual. A
 * store may demote its own lines likewise while {@link #isQuiet()}.
 *
 * <p>Thread-safe: the quiet state belongs to the calling thread.
 */
public final class QuietLogs {
  private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);

  private QuietLogs() {}

  /**
   * Runs {@code work} on this thread with jdtm's INFO, WARN and ERROR lines at DEBUG. Calls nest;
   * the thread logs as usual again when the outermost one returns.
   *
   * @param work what to run
   * @param <T> what {@code work} returns
   * @return what {@code work} returned
   */
  public static <T> T quietly(Supplier<T> work) {
    boolean outer = QUIET.get();
    QUIET.set(true);
    try {
      return work.get();
    } finally {
      if (!outer) {
        QUIET.remove();
      }
    }
  }

  /**
   * Whether this thread is inside {@link #quietly}.
   *
   * @return whether jdtm's INFO, WARN and ERROR lines are demoted to DEBUG on this thread
   */
  public static boolean isQuiet() {
    return QUIET.get();
  }
}
