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
 * one round trip ({@link StoreCapability#BATCHED_APPLY}), up to {@value #WRITERS} batches are
 * written at a time; updates that arrive while all of them are in flight wait and go to the store
 * together in the next one, as one {@link TransactionStore#apply} (one database transaction, one
 * commit). A caller that finds a free writer writes at once, so a lone writer waits for nobody,
 * and one slow batch (a dead connection, a lock wait) holds up only its own updates. Other stores
 * get each update as it comes.
 *
 * <p>Each caller gets its own update's result. When a batch of several fails, nothing tells
 * which update caused it, nor (after an unanswered commit) whether it landed: each caller then
 * checks whether its update landed and, if not, writes it alone and gets that result or
 * exception. Thread-safe.
 */
final class GroupCommit {
  /** Most updates in one batch. */
  static final int MAX_BATCH = 64;
  /** Most batches written at once. */
  static final int WRITERS = 2;

  private final TransactionStore store;
  private final boolean batched;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int writing;

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
        while (!mine.done && (mine.taken || writing == WRITERS)) {
          written.awaitUninterruptibly(); // a batch write is bounded by the store's timeouts
        }
        if (mine.done) {
          break;
        }
        writing++;
        batch = take();
      } finally {
        lock.unlock();
      }
      try {
        write(batch);
      } catch (Error e) {
        forget(mine); // nobody will read its outcome
        throw e;
      }
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

  private void forget(Pending p) {
    lock.lock();
    try {
      queue.remove(p);
    } finally {
      lock.unlock();
    }
  }

  /** The oldest queued updates, at most one per gid (never empty: the caller's is queued). */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    Set<String> gids = new HashSet<>();
    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
      Pending p = it.next();
      if (gids.add(p.update.gid())) {
        p.taken = true;
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
        results = checked(store.apply(updates), batch.size());
      }
    } catch (RuntimeException e) {
      results = null;
      error = e;
    } finally {
      lock.lock();
      try {
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          if (results != null) {
            p.result = results.get(i);
          } else if (batch.size() == 1 && error != null) {
            p.error = error;
          } else {
            p.alone = true; // a batch failed (or an Error is on its way up): write it alone
          }
          p.done = true;
        }
      } finally {
        writing--;
        written.signalAll();
        lock.unlock();
      }
    }
  }

  private static List<Boolean> checked(List<Boolean> results, int expected) {
    if (results == null || results.size() != expected
        || results.stream().anyMatch(r -> r == null)) {
      throw new IllegalStateException("the store answered a batch of " + expected
          + " updates with " + results);
    }
    return results;
  }

  /** One caller's update and, once done, its outcome. Guarded by the lock. */
  private static final class Pending {
    final TxUpdate update;
    boolean taken;
    boolean done;
    boolean result;
    boolean alone;
    RuntimeException error;

    Pending(TxUpdate update) {
      this.update = update;
    }
  }
}
