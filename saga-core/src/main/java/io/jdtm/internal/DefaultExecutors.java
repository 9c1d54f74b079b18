package io.jdtm.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The branch executor a manager creates when none is given: virtual threads on JDK 21 and later;
 * on JDK 17 a bounded pool of daemon threads whose overflow runs on the submitting thread.
 */
public final class DefaultExecutors {
  /** Threads of the JDK 17 pool. */
  static final int POOL_THREADS = 256;
  static final int QUEUE_CAPACITY = 10_000;

  private DefaultExecutors() {}

  public static ExecutorService branchExecutor(String instanceId) {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 60,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE_CAPACITY),
          daemonThreads("jdtm-" + instanceId + "-"), new ThreadPoolExecutor.CallerRunsPolicy());
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
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
