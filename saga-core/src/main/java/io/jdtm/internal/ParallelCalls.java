package io.jdtm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Runs a few calls concurrently on an executor, the first on the calling thread. When joining, a
 * task no worker has started yet is run by the caller, so a saturated executor slows calls down
 * but never deadlocks them. Thread-safe (stateless).
 */
final class ParallelCalls {
  private ParallelCalls() {}

  static <I, O> List<O> map(List<I> inputs, Function<I, O> fn, Executor executor) {
    if (inputs.size() == 1) {
      return List.of(fn.apply(inputs.get(0)));
    }
    List<FutureTask<O>> tasks = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      tasks.add(new FutureTask<>(() -> fn.apply(input)));
    }
    for (int i = 1; i < tasks.size(); i++) {
      try {
        executor.execute(tasks.get(i));
      } catch (RejectedExecutionException e) {
        // Joined below: the caller runs it.
      }
    }
    List<O> results = new ArrayList<>(tasks.size());
    for (FutureTask<O> task : tasks) {
      task.run(); // no-op if a worker has started or finished it
      results.add(join(task));
    }
    return results;
  }

  private static <O> O join(FutureTask<O> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
