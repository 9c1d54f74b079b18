package io.jdtm.internal;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds calls made on the driving thread: a caller {@link #arm arms} a watch with a deadline
 * before the call and {@link Watch#disarm disarms} it after; a watch still armed at its deadline
 * has its thread interrupted, once. One daemon thread per manager, started with the first watch,
 * scans the watches, sleeping until the earliest deadline it knows of (a watch armed with an
 * earlier one wakes it); arming and
 * disarming cost a few volatile accesses and one small object, no lock and no thread hand-off.
 * Deadlines are in {@link System#nanoTime()} (real time: an interrupt is real concurrency).
 * Watches of one thread nest (a handler that drives another transaction inline): each is
 * disarmed before the one it is nested in. Thread-safe.
 */
final class Watchdog implements AutoCloseable {
  /** Longest sleep of the scanning thread when no watch is due earlier. */
  private static final long IDLE_NANOS = 1_000_000_000L;

  private static final int ARMED = 0;
  private static final int DONE = 1;
  private static final int FIRING = 2;
  private static final int FIRED = 3;
  /** The deadline passed, but the thread was interrupted already: the watchdog left it so. */
  private static final int FOUND_INTERRUPTED = 4;

  /** One thread's place in the scan; it holds that thread only while a watch is armed. */
  private static final class Slot {
    final WeakReference<Thread> owner;
    volatile Watch current;

    Slot(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }
  }

  /** One armed call. Disarm it on the thread that armed it. */
  static final class Watch {
    private final Slot slot;
    private final Thread thread;
    private final long deadline;
    /** The watch this one is nested in, or {@code null}. */
    private final Watch outer;
    private final AtomicInteger state = new AtomicInteger(ARMED);

    private Watch(Slot slot, Thread thread, long deadline, Watch outer) {
      this.slot = slot;
      this.thread = thread;
      this.deadline = deadline;
      this.outer = outer;
    }

    /**
     * Ends the watch. When it fired, clears the interrupt it made (and only that one: an
     * interrupt the thread had before stays), so the thread goes on uninterrupted, unless a watch
     * this one is nested in fired too: that interrupt stays, to stop the outer call.
     *
     * @return whether the deadline passed before the watch ended
     */
    boolean disarm() {
      slot.current = outer;
      if (state.compareAndSet(ARMED, DONE)) {
        return false;
      }
      int s;
      while ((s = state.get()) == FIRING) {
        Thread.onSpinWait(); // the scanner is between its decision and its interrupt
      }
      if (s == FIRED && !outerFired()) {
        Thread.interrupted(); // the watchdog's interrupt, not the caller's
      }
      return true;
    }

    /** Whether the deadline passed and the watchdog acted on it (for tests). */
    boolean fired() {
      int s = state.get();
      return s == FIRED || s == FOUND_INTERRUPTED;
    }

    private boolean outerFired() {
      for (Watch w = outer; w != null; w = w.outer) {
        int s = w.state.get();
        if (s == FIRED || s == FOUND_INTERRUPTED) {
          return true; // that call is over its deadline too: it keeps its interrupt
        }
      }
      return false;
    }

    /** Called by the scanner at or after the deadline, and by close. */
    private void fire() {
      if (state.compareAndSet(ARMED, FIRING)) {
        boolean already = thread.isInterrupted();
        try {
          if (!already) {
            thread.interrupt();
          }
        } finally {
          state.set(already ? FOUND_INTERRUPTED : FIRED);
        }
      }
    }
  }

  private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Slot> mine = new ThreadLocal<>();
  private final String name;
  private volatile Thread scanner;
  /** When the scanner wakes next ({@link System#nanoTime()}); read only while not scanning. */
  private volatile long wakeAt;
  private volatile boolean scanning = true;
  private volatile boolean closed;

  /** A watchdog whose scanning thread, once started, is named {@code name}. */
  Watchdog(String name) {
    this.name = name;
  }

  /**
   * Watches a call about to be made on this thread: if it has not been disarmed by {@code
   * deadline} ({@link System#nanoTime()}), this thread is interrupted.
   */
  Watch arm(long deadline) {
    Slot slot = mine.get();
    if (slot == null) {
      slot = new Slot(Thread.currentThread());
      mine.set(slot);
      slots.add(slot);
    }
    Watch w = new Watch(slot, Thread.currentThread(), deadline, slot.current);
    slot.current = w;
    Thread s = scanner;
    if (s == null) {
      s = startScanner();
    }
    if (s != null && (scanning || deadline - wakeAt < 0)) {
      LockSupport.unpark(s);
    }
    return w;
  }

  /** Starts the scanning thread unless it runs or the watchdog is closed; returns it. */
  private synchronized Thread startScanner() {
    if (scanner == null && !closed) {
      Thread s = new Thread(this::scan, name);
      s.setDaemon(true);
      s.start();
      scanner = s;
    }
    return scanner;
  }

  private void scan() {
    while (!closed) {
      scanning = true;
      long now = System.nanoTime();
      long next = now + IDLE_NANOS;
      for (Slot slot : slots) {
        Watch w = slot.current;
        if (w == null && slot.owner.get() == null) {
          slots.remove(slot); // its thread has ended
        }
        next = scanChain(w, now, next);
      }
      wakeAt = next;
      scanning = false;
      LockSupport.parkNanos(this, Math.max(0, next - System.nanoTime()));
    }
  }

  /**
   * Fires the watches of one thread's chain whose deadline passed, outermost first (so that the
   * interrupt is the outermost one's, and stays until that call ends); returns the earliest
   * deadline still ahead, or {@code next}.
   */
  private static long scanChain(Watch w, long now, long next) {
    if (w == null) {
      return next;
    }
    long earliest = scanChain(w.outer, now, next);
    if (now - w.deadline >= 0) {
      w.fire();
    } else if (w.deadline - earliest < 0) {
      earliest = w.deadline;
    }
    return earliest;
  }

  /** Fires every watch of one thread's chain, outermost first. */
  private static void fireChain(Watch w) {
    if (w != null) {
      fireChain(w.outer);
      w.fire();
    }
  }

  /**
   * Stops the scanning thread and fires every watch still armed (the manager halts, as a crash
   * would: calls on driving threads are interrupted now rather than left unbounded); watches armed
   * later never fire. Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    for (Slot slot : slots) {
      fireChain(slot.current);
    }
    if (scanner != null) {
      LockSupport.unpark(scanner);
    }
  }
}
