package io.jdtm.internal;

import io.jdtm.spi.StoreCapability;
import io.jdtm.spi.TransactionStore;
import io.jdtm.spi.TxUpdate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Writes concurrent drivers' compare-and-set updates together: when the store applies a batch in
 * one round trip ({@link StoreCapability#BATCHED_APPLY}), updates that arrive while a batch is
 * being written wait and go to the store in the next one, as one {@link TransactionStore#apply}
 * (one database transaction, one commit). A caller that finds no batch in flight writes at once,
 * so a lone writer waits for nobody. Other stores get each update as it comes.
 *
 * <p>Each caller gets its own update's result. When a batch of several fails, nothing tells
 * which update caused it, nor (after an unanswered commit) whether it landed: each caller then
 * checks whether its update landed and, if not, writes it alone and gets that result or
 * exception. Thread-safe.
 */
final class GroupCommit {
  /** Most updates in one batch. */
  static final int MAX_BATCH = 64;

  private final TransactionStore store;
  private final boolean batched;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;

  GroupCommit(TransactionStore store) {
    this.store = store;
    this.batched = store.capabilities().contains(StoreCapability.BATCHED_APPLY);
  }

  /**
   * As {@link TransactionStore#update}, possibly in one batch with other callers' updates.
   *
   * @param landed whether the store holds what {@code update} would make (read back after a
   *     failed batch, before writing the update alone)
   */
  boolean update(TxUpdate update, BooleanSupplier landed) {
    if (!batched) {
      return store.update(update);
    }
    Pending mine = new Pending(update);
    lock.lock();
    try {
      queue.add(mine);
    } finally {
      lock.unlock();
    }
    while (true) {
      List<Pending> batch;
      lock.lock();
      try {
        while (!mine.done && writing) {
          written.awaitUninterruptibly(); // a batch write is bounded by the store's timeouts
        }
        if (mine.done) {
          break;
        }
        writing = true;
        batch = take();
      } finally {
        lock.unlock();
      }
      write(batch);
    }
    if (mine.alone) {
      return landed.getAsBoolean() || store.update(update);
    }
    if (mine.error != null) {
      throw mine.error;
    }
    return mine.result;
  }

  /** How many updates wait for a batch (for tests). */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** The oldest queued updates, at most one per gid. Holds the lock. */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    Set<String> gids = new HashSet<>();
    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
      Pending p = it.next();
      if (gids.add(p.update.gid())) {
        batch.add(p);
        it.remove();
      }
    }
    return batch;
  }

  /** Writes {@code batch} (never empty), records each result and lets the next batch go. */
  private void write(List<Pending> batch) {
    List<Boolean> results = null;
    RuntimeException error = null;
    try {
      if (batch.size() == 1) {
        results = List.of(store.update(batch.get(0).update));
      } else {
        List<TxUpdate> updates = new ArrayList<>(batch.size());
        batch.forEach(p -> updates.add(p.update));
        results = store.apply(updates);
        if (results == null || results.size() != batch.size()) {
          throw new IllegalStateException("the store answered a batch of " + batch.size()
              + " updates with " + (results == null ? "nothing" : results.size() + " results"));
        }
      }
    } catch (RuntimeException e) {
      error = e;
    } finally {
      lock.lock();
      try {
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          if (results != null && error == null) {
            p.result = results.get(i);
          } else if (batch.size() == 1 && error != null) {
            p.error = error;
          } else {
            p.alone = true; // a batch failed (or an Error is on its way up): write it alone
          }
          p.done = true;
        }
        writing = false;
        written.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** One caller's update and, once done, its outcome. Guarded by the lock. */
  private static final class Pending {
    final TxUpdate update;
    boolean done;
    boolean result;
    boolean alone;
    RuntimeException error;

    Pending(TxUpdate update) {
      this.update = update;
    }
  }
}
