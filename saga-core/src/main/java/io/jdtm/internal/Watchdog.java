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
     * Ends the watch. When it fired, clears the interrupt it made, so the thread goes on
     * uninterrupted.
     *
     * @return whether the deadline passed and the watch interrupted the thread
     */
    boolean disarm() {
      slot.current = outer;
      if (state.compareAndSet(ARMED, DONE)) {
        return false;
      }
      while (state.get() != FIRED) {
        Thread.onSpinWait(); // the scanner is between its decision and its interrupt
      }
      Thread.interrupted(); // the watchdog's interrupt, not the caller's
      return true;
    }

    /** Called by the scanner at or after the deadline. */
    private void fire() {
      if (state.compareAndSet(ARMED, FIRING)) {
        try {
          thread.interrupt();
        } finally {
          state.set(FIRED);
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
        for (; w != null; w = w.outer) {
          if (now - w.deadline >= 0) {
            w.fire();
          } else if (w.deadline - next < 0) {
            next = w.deadline;
          }
        }
      }
      wakeAt = next;
      scanning = false;
      LockSupport.parkNanos(this, Math.max(0, next - System.nanoTime()));
    }
  }

  /** Stops the scanning thread; armed watches no longer fire. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (scanner != null) {
      LockSupport.unpark(scanner);
    }
  }
}
