package io.jdtm.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor a manager creates when none is given: virtual threads on JDK 21 and later; on JDK
 * 17 an elastic pool of daemon threads (created on demand, up to {@value #POOL_THREADS}, retired
 * when idle) that hands each task straight to a thread, so a branch call's timeout starts when it
 * starts; beyond the bound, the submitting thread runs the task.
 */
public final class DefaultExecutors {
  /** Most threads of the JDK 17 pool. */
  static final int POOL_THREADS = 2048;

  private DefaultExecutors() {}

  public static ExecutorService branchExecutor(String instanceId) {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      return new ThreadPoolExecutor(0, POOL_THREADS, 60, TimeUnit.SECONDS,
          new SynchronousQueue<>(), daemonThreads("jdtm-" + instanceId + "-"),
          DefaultExecutors::runOrRefuse);
    }
  }

  /**
   * Where one manager's branch calls go when its executor has not started them in time: they must
   * run on some thread other than their waiter's to stay bounded by the request timeout. Daemon
   * threads named {@code prefix + n}, created on demand, retired when idle; shut it down with the
   * manager.
   */
  static ExecutorService overflow(String prefix) {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), daemonThreads(prefix));
  }

  /**
   * Up to {@code max} daemon threads named {@code prefix + n}, created on demand and retired when
   * idle; refuses a task when all are busy.
   */
  static ExecutorService spare(String prefix, int max) {
    return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        daemonThreads(prefix));
  }

  /** Runs an overflowing task on the caller; refuses it once the pool is shut down. */
  private static void runOrRefuse(Runnable task, ThreadPoolExecutor pool) {
    if (pool.isShutdown()) {
      throw new RejectedExecutionException("the manager is closed");
    }
    task.run();
  }

  /** Daemon threads named {@code prefix + n}. */
  public static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
