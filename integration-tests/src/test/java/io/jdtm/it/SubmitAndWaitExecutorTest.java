package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;
import io.jdtm.store.memory.MemoryStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * submitAndWait returns within its timeout (plus the grace for a first answer) while the store
 * hangs, also when the executor would not run the task on another thread: it refuses it, or runs
 * it on the caller. The store's create hangs until the test lets it go.
 */
class SubmitAndWaitExecutorTest {
  private static final Duration TIMEOUT = Duration.ofMillis(200);
  /** A liveness bound far above the timeout plus grace, not a performance goal. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  @Test
  void submitAndWait_executorRunsTasksOnTheCaller_throwsWithinTheTimeout() {
    assertReturnsWhileTheStoreHangs(Runnable::run);
  }

  @Test
  void submitAndWait_executorRefusesTasks_throwsWithinTheTimeout() {
    assertReturnsWhileTheStoreHangs(task -> {
      throw new RejectedExecutionException("saturated");
    });
  }

  private static void assertReturnsWhileTheStoreHangs(Executor executor) {
    CountDownLatch release = new CountDownLatch(1);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public CreateResult create(TxRecord record) {
        waitFor(release);
        return delegate.create(record);
      }
    })) {
      TransactionManager tm = h.manager("n1", b -> b.executor(executor));

      Throwable thrown = assertTimeoutPreemptively(BOUND, () -> catchThrowable(
          () -> tm.saga("hang-1").step("bankA", "bankA", 30).submitAndWait(TIMEOUT)));

      assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("did not confirm");
    } finally {
      release.countDown();
    }
  }
}
